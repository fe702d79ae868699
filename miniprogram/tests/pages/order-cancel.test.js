const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

const REASONS = [{ code: 'changed_mind', label: '改变主意' }, { code: 'wrong_item', label: '选错商品' }, { code: 'other', label: '其他', text_required: true }]

describe('cancel page', () => {
  test('offers the reasons from the server and explains the money for an unpaid order', async () => {
    mockApi({ 'GET /orders/7': order(), 'GET /cancel-reasons': REASONS })
    const { comp, page } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    expect(page.data.reasons.map(r => r.label)).toEqual(['改变主意', '选错商品', '其他'])
    expect(text(comp)).toContain('尚未付款')
  })

  test('for a paid order says the money goes back in 1–3 working days', async () => {
    mockApi({ 'GET /orders/7': order({ status: 'paid', paid_fen: 6600 }), 'GET /cancel-reasons': REASONS })
    const { comp } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    expect(text(comp)).toContain('¥66.00')
    expect(text(comp)).toContain('1–3 个工作日')
  })

  test('requires a reason before asking', async () => {
    const api = mockApi({ 'GET /orders/7': order(), 'GET /cancel-reasons': REASONS })
    const { comp } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请选择取消原因')
    expect(api.find('POST /orders/7/cancel')).toHaveLength(0)
  })

  test('"其他" needs a few words', async () => {
    const api = mockApi({ 'GET /orders/7': order(), 'GET /cancel-reasons': REASONS })
    const { comp, page } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    page.onReason({ detail: { value: '2' } })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请填写具体原因')
    expect(api.find('POST /orders/7/cancel')).toHaveLength(0)
  })

  test('confirms, posts the reason and text, and goes back', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const back = jest.spyOn(wx, 'navigateBack')
    const api = mockApi({
      'GET /orders/7': order(), 'GET /cancel-reasons': REASONS,
      'POST /orders/7/cancel': order({ status: 'cancelled' })
    })
    const { comp, page } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    page.onReason({ detail: { value: '1' } })
    page.onText({ detail: { value: ' 颜色选错了 ' } })
    await tap(comp, '#submit')
    expect(modal).toHaveBeenCalled()
    expect(api.find('POST /orders/7/cancel')[0].data).toEqual({ reason_code: 'wrong_item', reason_text: '颜色选错了' })
    expect(back).toHaveBeenCalled()
  })

  test('tells the shopper when the cancel waits for staff review', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    mockApi({
      'GET /orders/7': order({ status: 'accepted', paid_fen: 6600 }), 'GET /cancel-reasons': REASONS,
      'POST /orders/7/cancel': order({ status: 'accepted', open_request: { kind: 'cancel', status: 'pending' } })
    })
    const { comp, page } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    page.onReason({ detail: { value: '0' } })
    await tap(comp, '#submit')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交取消申请，请等待商家审核' }))
  })

  test('shows why the server refused', async () => {
    mockApi({
      'GET /orders/7': order(), 'GET /cancel-reasons': REASONS,
      'POST /orders/7/cancel': apiError(409, 'ORDER_NOT_CANCELLABLE', '订单已发货，无法取消')
    })
    const { comp, page } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    page.onReason({ detail: { value: '0' } })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('订单已发货，无法取消')
  })

  test('an order that cannot be cancelled shows the error state', async () => {
    mockApi({ 'GET /orders/7': order({ actions: ['confirm_receipt'] }), 'GET /cancel-reasons': REASONS })
    const { comp } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    expect(text(comp)).toContain('该订单当前不可取消')
  })
})
