const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order, page } = require('../support/fixtures')

describe('order list page', () => {
  test('shows orders with status tags and tab counts', async () => {
    mockApi({ 'GET /orders': page([order()], { all: 3, pending_payment: 1, paid: 2, refund: 0 }, 1) })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    expect(p.data.state).toBe('ready')
    expect(text(comp)).toContain('20261122065154331013')
    expect(text(comp)).toContain('待付款')
    expect(text(comp)).toContain('¥66.00')
    expect(p.data.tabs.find(t => t.key === 'paid').count).toBe(2)
  })

  test('opens on the tab it was asked for and switches tabs', async () => {
    const api = mockApi({ 'GET /orders': page([order()]) })
    const { comp } = await loadPage('pages/orders/list/list', { status: 'shipped' })
    expect(api.calls[api.calls.length - 1].data.status).toBe('shipped')
    await tap(comp, '#tab-cancelled')
    expect(api.calls[api.calls.length - 1].data.status).toBe('cancelled')
  })

  test('searches by order number or product name', async () => {
    const api = mockApi({ 'GET /orders': page([order()]) })
    const { page: p } = await loadPage('pages/orders/list/list')
    p.onSearchInput({ detail: { value: ' 数据线 ' } })
    await p.onSearch()
    expect(api.find('GET /orders').pop().data.q).toBe('数据线')
  })

  test('loads the next page on reach-bottom and stops at the end', async () => {
    const first = Array.from({ length: 10 }, (_, i) => order({ id: i + 1 }))
    const api = mockApi({
      'GET /orders': req => (req.data.page === 1 ? page(first, {}, 12) : page([order({ id: 11 }), order({ id: 12 })], {}, 12))
    })
    const { page: p } = await loadPage('pages/orders/list/list')
    await p.onReachBottom()
    expect(p.data.items).toHaveLength(12)
    expect(p.data.hasMore).toBe(false)
    await p.onReachBottom()
    expect(api.find('GET /orders')).toHaveLength(2)
  })

  test('pull-to-refresh reloads the first page and stops the spinner', async () => {
    const stop = jest.spyOn(wx, 'stopPullDownRefresh')
    const api = mockApi({ 'GET /orders': page([order()]) })
    const { page: p } = await loadPage('pages/orders/list/list')
    await p.onPullDownRefresh()
    expect(api.find('GET /orders')).toHaveLength(2)
    expect(stop).toHaveBeenCalled()
  })

  test('shows the empty state when there are no orders', async () => {
    mockApi({ 'GET /orders': page([]) })
    const { comp } = await loadPage('pages/orders/list/list')
    expect(text(comp)).toContain('还没有订单')
  })

  test('shows the error state with the API message and retries', async () => {
    let fail = true
    mockApi({ 'GET /orders': () => (fail ? apiError(503, 'SERVICE_UNAVAILABLE', '服务暂时不可用') : page([order()])) })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    expect(p.data.state).toBe('error')
    expect(text(comp)).toContain('服务暂时不可用')
    fail = false
    await tap(comp, '#state >>> .retry')
    expect(p.data.state).toBe('ready')
  })

  test('tapping an order opens its detail', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders': page([order({ id: 42 })]) })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '.order')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/orders/detail/detail?id=42' })
  })
})
