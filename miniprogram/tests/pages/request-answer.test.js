const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

// A paid order with the shopper's cancel request; staff offered 加急发货 (C4).
const offered = (actions, extra) => order(Object.assign({
  status: 'paid',
  status_label: '待发货',
  paid_fen: 6600,
  actions: [],
  open_request: {
    id: 31, kind: 'cancel', kind_label: '取消申请', status: 'pending', status_label: '待处理', reason_text: '',
    alternative: { kind: 'faster_shipping', text: '加急发货（今天顺丰发出）', answer: null }, actions
  }
}, extra))

describe('the shopper answers a request from its server actions', () => {
  test('shows the staff alternative and exactly the buttons the request allows', async () => {
    mockApi({ 'GET /orders/7': offered(['withdraw', 'accept_alternative', 'decline_alternative']) })
    const { comp, page } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(text(comp)).toContain('商家建议：加急发货（今天顺丰发出）')
    expect(page.data.order.request.buttons.map(b => b.action)).toEqual(['decline_alternative', 'withdraw', 'accept_alternative'])
    expect(comp.querySelector('#request-accept_alternative')).toBeTruthy()
  })

  test('an answered alternative leaves only withdraw; no actions, no buttons', async () => {
    mockApi({ 'GET /orders/7': offered(['withdraw']) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(comp.querySelector('#request-accept_alternative')).toBeFalsy()
    expect(comp.querySelector('#request-withdraw')).toBeTruthy()
    mockApi({ 'GET /orders/8': offered([], { id: 8 }) })
    const other = await loadPage('pages/orders/detail/detail', { id: '8' })
    expect(other.comp.querySelector('.request-actions')).toBeFalsy()
  })

  test('accepting asks first, naming the offer, then posts and reloads', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const api = mockApi({
      'GET /orders/7': offered(['withdraw', 'accept_alternative', 'decline_alternative']),
      'POST /requests/31/accept-alternative': order({ status: 'paid' })
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#request-accept_alternative')
    expect(modal.mock.calls[0][0].content).toContain('加急发货（今天顺丰发出）')
    expect(api.find('POST /requests/31/accept-alternative')).toHaveLength(1)
    expect(api.find('GET /orders/7')).toHaveLength(2)
  })

  test('declining and withdrawing post to their own endpoints', async () => {
    const api = mockApi({
      'GET /orders/7': offered(['withdraw', 'accept_alternative', 'decline_alternative']),
      'POST /requests/31/decline-alternative': order(),
      'POST /requests/31/withdraw': order()
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#request-decline_alternative')
    await tap(comp, '#request-withdraw')
    expect(api.find('POST /requests/31/decline-alternative')).toHaveLength(1)
    expect(api.find('POST /requests/31/withdraw')).toHaveLength(1)
  })

  test('nothing is sent when the shopper changes their mind; a refusal is shown in Chinese', async () => {
    jest.spyOn(wx, 'showModal').mockImplementationOnce(opts => opts.success({ confirm: false, cancel: true, errMsg: '' }))
    const toast = jest.spyOn(wx, 'showToast')
    const api = mockApi({
      'GET /orders/7': offered(['withdraw']),
      'POST /requests/31/withdraw': apiError(409, 'REQUEST_ALREADY_DECIDED', '申请已处理，无法再撤回或答复')
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#request-withdraw')
    expect(api.find('POST /requests/31/withdraw')).toHaveLength(0)
    await tap(comp, '#request-withdraw')
    expect(api.find('POST /requests/31/withdraw')).toHaveLength(1)
    expect(toast.mock.calls.map(c => c[0].title)).toContain('申请已处理，无法再撤回或答复')
  })

  test('the order shows the merchant decision explained', async () => {
    mockApi({ 'GET /orders/7': order({ decision: { kind: 'decision_notice', label: '处理结果说明', text: '商家已取消您的订单，原因：缺货。', at: '' } }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(text(comp)).toContain('商家已取消您的订单，原因：缺货。')
  })
})

describe('after-sales case withdraw', () => {
  const aCase = actions => ({
    id: 5, order_id: 7, type: 'refund_only', type_label: '仅退款', status: 'pending', status_label: '待商家处理',
    amount_fen: 2900, lines: [], photos: [], actions, created_at: '2026-11-21T22:51:54+00:00'
  })

  test('offers 撤回申请 only when the case lists withdraw, and posts it', async () => {
    const api = mockApi({ 'GET /after-sales/5': aCase(['withdraw']), 'POST /after-sales/5/withdraw': aCase([]) })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '5' })
    await tap(comp, '#withdraw')
    expect(api.find('POST /after-sales/5/withdraw')).toHaveLength(1)
    mockApi({ 'GET /after-sales/6': aCase([]) })
    const decided = await loadPage('pages/after-sales/detail/detail', { id: '6' })
    expect(decided.comp.querySelector('#withdraw')).toBeFalsy()
  })
})
