const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

describe('refund progress page', () => {
  test('shows each refund with status, route and expected arrival', async () => {
    mockApi({
      'GET /orders/7': order({
        refunded_fen: 6600,
        refunds: [{ id: 1, out_refund_no: 'R1', amount_fen: 6600, method: 'wechat', method_label: '原路退回', status: 'processing', status_label: '退款中', created_at: '2026-11-21T23:00:00+00:00', expected_arrival: '1-3 个工作日内原路退回' }]
      })
    })
    const { comp } = await loadPage('pages/orders/refund/refund', { id: '7' })
    const shown = text(comp)
    expect(shown).toContain('¥66.00')
    expect(shown).toContain('退款中')
    expect(shown).toContain('原路退回')
    expect(shown).toContain('1-3 个工作日内原路退回')
    expect(shown).toContain('2026-11-22 07:00')
  })

  test('a failed refund says the merchant is handling it', async () => {
    mockApi({ 'GET /orders/7': order({ refunds: [{ id: 1, amount_fen: 100, status: 'abnormal', status_label: '退款异常' }] }) })
    const { comp } = await loadPage('pages/orders/refund/refund', { id: '7' })
    expect(text(comp)).toContain('商家正在处理')
  })

  test('empty and error states', async () => {
    mockApi({ 'GET /orders/7': order() })
    let loaded = await loadPage('pages/orders/refund/refund', { id: '7' })
    expect(text(loaded.comp)).toContain('该订单暂无退款')
    mockApi({ 'GET /orders/7': apiError(404, 'ORDER_NOT_FOUND', '订单不存在') })
    loaded = await loadPage('pages/orders/refund/refund', { id: '7' })
    expect(text(loaded.comp)).toContain('订单不存在')
  })
})

describe('feedback page', () => {
  test('needs a rating, then posts rating and text', async () => {
    const back = jest.spyOn(wx, 'navigateBack')
    const api = mockApi({ 'POST /orders/7/feedback': { ok: true } })
    const { comp, page } = await loadPage('pages/orders/feedback/feedback', { id: '7' })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请先选择评分')
    await tap(comp, '#star-4')
    page.onText({ detail: { value: '处理很快' } })
    await tap(comp, '#submit')
    expect(api.find('POST /orders/7/feedback')[0].data).toEqual({ rating: 4, text: '处理很快' })
    expect(back).toHaveBeenCalled()
  })

  test('shows the API refusal', async () => {
    mockApi({ 'POST /orders/7/feedback': apiError(409, 'ORDER_ACTION_NOT_ALLOWED', '该订单已评价') })
    const { comp } = await loadPage('pages/orders/feedback/feedback', { id: '7' })
    await tap(comp, '#star-5')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('该订单已评价')
  })
})
