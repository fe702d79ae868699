const { yuan, shanghaiTime, shanghaiDate } = require('../../utils/format')

describe('money and time for display', () => {
  test('fen become yuan with two decimals, no float errors', () => {
    expect(yuan(0)).toBe('¥0.00')
    expect(yuan(5)).toBe('¥0.05')
    expect(yuan(6600)).toBe('¥66.00')
    expect(yuan(1999999)).toBe('¥19999.99')
    expect(yuan(-500)).toBe('-¥5.00')
    expect(yuan(undefined)).toBe('¥0.00')
  })

  test('any ISO time is shown in Shanghai time', () => {
    expect(shanghaiTime('2026-11-21T22:51:54+00:00')).toBe('2026-11-22 06:51')
    expect(shanghaiTime('2026-11-22T06:51:54.845528+08:00')).toBe('2026-11-22 06:51')
    expect(shanghaiTime('2026-11-22T06:51:54+08:00', true)).toBe('2026-11-22 06:51:54')
    expect(shanghaiDate('2026-12-31T16:30:00Z')).toBe('2027-01-01')
    expect(shanghaiTime(null)).toBe('')
    expect(shanghaiTime('not a date')).toBe('')
  })
})
