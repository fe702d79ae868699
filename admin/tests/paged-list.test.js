import { afterEach, describe, expect, it, vi } from 'vitest'
import { usePagedList } from '../src/composables/usePagedList'

// A list showing a row still settling on the server (a refund 处理中) reloads itself until nothing is settling.
describe('usePagedList polling', () => {
  afterEach(() => vi.useRealTimers())

  it('reloads while a row is settling and stops once every row has settled', async () => {
    vi.useFakeTimers()
    const fetchPage = vi.fn()
      .mockResolvedValueOnce({ items: [{ id: 1, status: 'processing' }], total: 1 })
      .mockResolvedValueOnce({ items: [{ id: 1, status: 'succeeded' }], total: 1 })
    const list = usePagedList(fetchPage, {}, 20, { settling: (row) => row.status === 'processing', pollMs: 1000 })
    await list.load()
    expect(fetchPage).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(fetchPage).toHaveBeenCalledTimes(2)
    expect(list.rows.value[0].status).toBe('succeeded')
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetchPage).toHaveBeenCalledTimes(2)
  })

  it('polls quietly: no loading mask, and a failed poll keeps the rows', async () => {
    vi.useFakeTimers()
    const masks = []
    let list = null
    const fetchPage = vi.fn()
      .mockResolvedValueOnce({ items: [{ id: 1, status: 'processing' }], total: 1 })
      .mockImplementationOnce(async () => { masks.push(list.loading.value); throw new Error('网络错误') })
      .mockResolvedValueOnce({ items: [{ id: 1, status: 'succeeded' }], total: 1 })
    list = usePagedList(fetchPage, {}, 20, { settling: (row) => row.status === 'processing', pollMs: 1000 })
    await list.load()
    await vi.advanceTimersByTimeAsync(1000)
    expect(masks).toEqual([false])
    expect(list.rows.value).toEqual([{ id: 1, status: 'processing' }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(list.rows.value[0].status).toBe('succeeded')
  })

  it('does not poll a list without a settling rule', async () => {
    vi.useFakeTimers()
    const fetchPage = vi.fn().mockResolvedValue({ items: [{ id: 1, status: 'processing' }], total: 1 })
    const list = usePagedList(fetchPage)
    await list.load()
    await vi.advanceTimersByTimeAsync(60000)
    expect(fetchPage).toHaveBeenCalledTimes(1)
  })
})
