// Issue 10 paths not covered elsewhere: withdrawing a pending modification (and a plain cancel request) from the
// order page, and the merchant's cancel explained there in the server's words: why, what comes back, by which
// route, the coupon, and when.
const { loadPage, tap, text } = require('../support/page')
const { mockApi } = require('../support/mock-api')
const { order } = require('../support/fixtures')

const pending = (kind, kindLabel, actions) => order({
  status: 'accepted',
  status_label: '备货中',
  paid_fen: 6600,
  actions: [],
  open_request: { id: 41, kind, kind_label: kindLabel, status: 'pending', status_label: '待处理', reason_text: '', alternative: null, actions }
})

describe('withdrawing a pending request from the order page', () => {
  test('a modification waiting for the merchant is withdrawn after the shopper confirms', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const api = mockApi({ 'GET /orders/7': pending('modify', '修改申请', ['withdraw']), 'POST /requests/41/withdraw': order() })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(text(comp)).toContain('修改申请')
    expect(comp.querySelector('#request-accept_alternative')).toBeFalsy()
    await tap(comp, '#request-withdraw')
    expect(modal.mock.calls[0][0].title).toBe('撤回申请')
    expect(api.find('POST /requests/41/withdraw')).toHaveLength(1)
    expect(api.find('GET /orders/7').length).toBeGreaterThanOrEqual(2) // the order is shown as it now is
  })

  test('a cancel request without an alternative offers withdraw only', async () => {
    mockApi({ 'GET /orders/7': pending('cancel', '取消申请', ['withdraw']) })
    const { comp, page } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(page.data.order.request.buttons.map(b => b.action)).toEqual(['withdraw'])
    expect(comp.querySelector('#request-decline_alternative')).toBeFalsy()
  })
})

describe('a merchant cancel explains itself on the order page', () => {
  test('shows the reason, the amount and route, the coupon returned and the expected arrival', async () => {
    const notice = '商家已取消您的订单，原因：缺货。¥199.00 将原路退回（微信支付），预计到账时间：1-3 个工作日；' +
      '使用的优惠券已退回您的账户。'
    mockApi({
      'GET /orders/7': order({
        status: 'cancelled', status_label: '已取消', paid_fen: 19900, refunded_fen: 19900, actions: [],
        decision: { kind: 'cancelled', label: '商家取消了订单', text: notice, at: '2026-11-22T08:00:00+08:00' },
        refunds: [{ id: 1, amount_fen: 19900, method: 'wechat', method_label: '原路退回（微信支付）', status: 'processing', status_label: '退款中', notice }]
      })
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const shown = text(comp)
    for (const words of ['商家取消了订单', '原因：缺货', '¥199.00', '原路退回（微信支付）', '预计到账时间', '优惠券已退回']) {
      expect(shown).toContain(words)
    }
  })
})
