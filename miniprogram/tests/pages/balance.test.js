// 我的余额 (R9): the balance and its history from GET /balance, linked from 我的; the order page shows how it was
// paid (余额支付 / 微信支付) and how much went back to each.
const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order, page, buttons } = require('../support/fixtures')

function entry(id, kind, kindLabel, delta, after, orderId) {
  return {
    id, kind, kind_label: kindLabel, delta_fen: delta, balance_after_fen: after, order_id: orderId || null,
    refund_id: null, note: orderId ? '订单 20261122065154331013' : '', created_at: '2026-11-22T02:00:00+00:00'
  }
}

describe('我的余额', () => {
  test('shows the balance and its history in the server\'s words, and a row opens its order', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    const api = mockApi({
      'GET /balance': {
        balance_fen: 50000, total: 2, page: 1, per_page: 20, empty_text: '暂无余额明细',
        items: [entry(2, 'refund_in', '退款退回余额', 50000, 50000, 7), entry(1, 'pay_out', '余额支付订单', -1000, 0, 6)]
      }
    })
    const { comp } = await loadPage('pages/balance/balance')
    const shown = text(comp)
    expect(shown).toContain('¥500.00')
    expect(shown).toContain('退款退回余额')
    expect(shown).toContain('+¥500.00')
    expect(shown).toContain('-¥10.00')
    expect(shown).toContain('2026-11-22 10:00')
    expect(api.find('GET /balance')[0].data).toEqual({ page: 1, per_page: 20 })
    await tap(comp, '#entry-2')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/orders/detail/detail?id=7' })
  })

  test('no history yet: the balance and the server\'s empty text; an error can be retried', async () => {
    mockApi({ 'GET /balance': { balance_fen: 0, total: 0, page: 1, per_page: 20, items: [], empty_text: '暂无余额明细' } })
    let loaded = await loadPage('pages/balance/balance')
    expect(text(loaded.comp)).toContain('¥0.00')
    expect(text(loaded.comp)).toContain('暂无余额明细')
    const api = mockApi({ 'GET /balance': apiError(503, 'SERVICE_UNAVAILABLE', '服务暂时不可用') })
    loaded = await loadPage('pages/balance/balance')
    expect(text(loaded.comp)).toContain('服务暂时不可用')
    expect(api.find('GET /balance')).toHaveLength(1)
  })

  test('我的 links to it', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders': page([]) })
    const { comp } = await loadPage('pages/mine/mine')
    expect(text(comp)).toContain('我的余额')
    await tap(comp, '#balance')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/balance/balance' })
  })
})

describe('order page: how it was paid', () => {
  test('lists 余额支付 and 微信支付 with what went back to each', async () => {
    mockApi({
      'GET /orders/7': order({
        status: 'paid', status_label: '待发货', paid_fen: 8600, refunded_fen: 600, actions: [],
        balance_paid_fen: 1000, wechat_paid_fen: 7600,
        payment_split: [
          { route: 'balance', label: '余额支付', paid_fen: 1000, refunded_fen: 500, refunded_label: '退回余额' },
          { route: 'wechat', label: '微信支付', paid_fen: 7600, refunded_fen: 100, refunded_label: '退回微信' }
        ]
      }),
      'GET /orders/7/invoice': { invoice: null, actions: [], buttons: buttons([]) }
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const balance = text(comp.querySelector('#split-balance'))
    expect(balance).toContain('余额支付')
    expect(balance).toContain('¥10.00')
    expect(balance).toContain('退回余额 ¥5.00')
    expect(text(comp.querySelector('#split-wechat'))).toContain('退回微信 ¥1.00')
  })
})
