import { describe, expect, it } from 'vitest'
import { formatFen, yuanToFen } from '../src/utils/money'
import { formatTime } from '../src/utils/time'

describe('formatFen', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(1234)).toBe('¥12.34')
    expect(formatFen(5)).toBe('¥0.05')
    expect(formatFen(0)).toBe('¥0.00')
  })
  it('groups thousands and keeps the sign', () => {
    expect(formatFen(123456789)).toBe('¥1,234,567.89')
    expect(formatFen(-990)).toBe('-¥9.90')
  })
  it('shows a dash for a missing or non-integer amount', () => {
    expect(formatFen(null)).toBe('—')
    expect(formatFen(undefined)).toBe('—')
    expect(formatFen(12.5)).toBe('—')
  })
})

describe('yuanToFen', () => {
  it('parses typed yuan without floating point error', () => {
    expect(yuanToFen('12.34')).toBe(1234)
    expect(yuanToFen('0.1')).toBe(10)
    expect(yuanToFen('19.99')).toBe(1999)
    expect(yuanToFen('100')).toBe(10000)
  })
  it('refuses text that is not an amount', () => {
    expect(yuanToFen('abc')).toBeNull()
    expect(yuanToFen('1.234')).toBeNull()
  })
})

describe('formatTime', () => {
  it('shows UTC instants in Asia/Shanghai', () => {
    expect(formatTime('2026-01-01T16:30:00Z')).toBe('2026-01-02 00:30:00')
    expect(formatTime('2026-01-01T16:30:00')).toBe('2026-01-02 00:30:00')
    expect(formatTime('2026-01-02T00:30:00+08:00')).toBe('2026-01-02 00:30:00')
    expect(formatTime(null)).toBe('—')
  })
})
