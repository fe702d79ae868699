const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')
const config = require('../../config/api')

const REASONS = [{ code: 'quality', label: '质量问题' }, { code: 'not_as_described', label: '描述不符' }]
// The server's types for a received order (domain/after_sales.py TYPE_LABELS, TYPE_HINTS) and its reasons.
const TYPES = [
  { code: 'refund_only', label: '仅退款', hint: '未收到货，或与商家协商一致不用退货' },
  { code: 'return_refund', label: '退货退款', hint: '已收到货，需要退回商品' },
  { code: 'exchange', label: '换货', hint: '商品有问题，换一件同款' },
  { code: 'repair', label: '维修', hint: '商品需要维修' }
]
const OPTIONS = { types: TYPES, note: '', reasons: REASONS }
const COMPLETED = order({ status: 'completed', status_label: '已完成', paid_fen: 6600, actions: ['after_sale', 'delete'] })

describe('after-sales application page', () => {
  test('validates type, lines and reason before sending', async () => {
    const api = mockApi({ 'GET /orders/7': COMPLETED, 'GET /orders/7/after-sale-options': OPTIONS })
    const { comp, page } = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请选择售后类型')
    await tap(comp, '#type-return_refund')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请选择要售后的商品')
    await tap(comp, '#line-0')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请选择售后原因')
    expect(page.data.lines[0].max).toBe(2)
    expect(api.find('POST /orders/7/after-sales')).toHaveLength(0)
  })

  test('asks for the after-sales templates, sends lines, reason and photos, opens the case', async () => {
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    const redirect = jest.spyOn(wx, 'redirectTo')
    const api = mockApi({
      'GET /orders/7': COMPLETED, 'GET /orders/7/after-sale-options': OPTIONS,
      'POST /subscriptions': { ok: true }, 'POST /orders/7/after-sales': { id: 31, status: 'pending' }
    })
    const { comp, page } = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    await tap(comp, '#type-return_refund')
    await tap(comp, '#line-0')
    page.onQuantity({ currentTarget: { dataset: { index: 0, step: -1 } } })
    page.onReason({ detail: { value: '0' } })
    await tap(comp, '#add-photo')
    await tap(comp, '#submit')
    expect(subscribe.mock.calls[0][0].tmplIds).toEqual(config.SUBSCRIBE_AT.afterSale.map(k => 'tmpl-' + k))
    expect(api.find('POST /subscriptions')[0].data).toEqual({ templates: config.SUBSCRIBE_AT.afterSale })
    expect(api.find('POST /orders/7/after-sales')[0].data).toEqual({
      type: 'return_refund', reason_code: 'quality', reason_text: '',
      lines: [{ line_id: 11, quantity: 1 }], photos: ['https://cdn.example.com/uploads/photo1.jpg']
    })
    expect(redirect).toHaveBeenCalledWith({ url: '/pages/after-sales/detail/detail?id=31' })
  })

  test('a failed photo upload stops the application with a clear message', async () => {
    jest.spyOn(wx, 'uploadFile').mockImplementation(opts => opts.success && opts.success(/** @type {any} */ ({
      statusCode: 404, data: JSON.stringify({ error: { code: 'NOT_FOUND', message: '资源不存在' } })
    })))
    const api = mockApi({ 'GET /orders/7': COMPLETED, 'GET /orders/7/after-sale-options': OPTIONS })
    const { comp, page } = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    await tap(comp, '#type-refund_only')
    await tap(comp, '#line-0')
    page.onReason({ detail: { value: '0' } })
    await tap(comp, '#add-photo')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('凭证图片上传失败')
    expect(api.find('POST /orders/7/after-sales')).toHaveLength(0)
  })

  test('shows the API refusal and the not-allowed state', async () => {
    mockApi({
      'GET /orders/7': COMPLETED, 'GET /orders/7/after-sale-options': OPTIONS,
      'POST /orders/7/after-sales': apiError(409, 'AFTER_SALE_NOT_ALLOWED', '已超过 7 天无理由退货期限')
    })
    const { comp, page } = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    await tap(comp, '#type-refund_only')
    await tap(comp, '#line-0')
    page.onReason({ detail: { value: '1' } })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('已超过 7 天无理由退货期限')

    mockApi({ 'GET /orders/7': order({ actions: [] }), 'GET /orders/7/after-sale-options': OPTIONS })
    const other = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    expect(text(other.comp)).toContain('该订单当前不可申请售后')
  })

  test('offers exactly the types the server allows this order, in its words and hints, with its note', async () => {
    const paid = order({ status: 'paid', status_label: '待发货', actions: ['after_sale', 'cancel'] })
    mockApi({
      'GET /orders/7': paid,
      'GET /orders/7/after-sale-options': {
        types: [{ code: 'refund_only', label: '只退钱', hint: '服务器的说明：商品还没寄出' }],
        note: '服务器说：未发货只能只退钱', reasons: REASONS
      }
    })
    const { comp } = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    expect(comp.querySelector('#type-return_refund')).toBeFalsy()
    expect(comp.querySelector('#type-refund_only').dom.textContent.trim()).toBe('只退钱')
    expect(comp.querySelector('#types-note').dom.textContent.trim()).toBe('服务器说：未发货只能只退钱')
    await tap(comp, '#type-refund_only')
    expect(text(comp)).toContain('服务器的说明：商品还没寄出')
    expect(text(comp)).not.toContain('仅退款')

    mockApi({ 'GET /orders/7': paid, 'GET /orders/7/after-sale-options': { types: [], note: '服务器说：订单待付款，不能申请售后', reasons: REASONS } })
    const none = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    expect(text(none.comp)).toContain('服务器说：订单待付款，不能申请售后')
  })
})

describe('after-sales case page', () => {
  const CASE = {
    id: 31, order_id: 7, type: 'return_refund', type_label: '退货退款', status: 'awaiting_return', status_label: '待寄回商品', actions: ['submit_return_shipment'], reason_code: 'quality', reason_text: '有划痕',
    amount_fen: 2900, return_address: '上海市浦东新区 退货仓 张收 021-12345678', created_at: '2026-11-21T23:00:00+00:00'
  }

  test('shows the decision and return address, and takes the return shipment', async () => {
    const api = mockApi({
      'GET /after-sales/31': () => (api.find('POST /after-sales/31/return-shipment').length
        ? Object.assign({}, CASE, { status: 'returning', actions: [], return_carrier: '顺丰速运', return_tracking_no: 'SF123456789' })
        : CASE),
      'POST /after-sales/31/return-shipment': { ok: true }
    })
    const { comp, page } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(text(comp)).toContain('退货退款')
    expect(text(comp)).toContain('退货仓')
    expect(text(comp)).toContain('¥29.00')
    await tap(comp, '#submit-return')
    expect(text(comp)).toContain('请选择快递公司')
    page.onCarrier({ detail: { value: '0' } })
    page.onTrackingNo({ detail: { value: '12' } })
    await tap(comp, '#submit-return')
    expect(text(comp)).toContain('请填写正确的快递单号')
    page.onTrackingNo({ detail: { value: 'SF123456789' } })
    await tap(comp, '#submit-return')
    expect(api.find('POST /after-sales/31/return-shipment')[0].data).toEqual({ carrier: '顺丰速运', tracking_no: 'SF123456789' })
    expect(page.data.showReturnForm).toBe(false)
    expect(text(comp)).toContain('SF123456789')
  })

  test('the server\'s actions decide whether the return form shows', async () => {
    mockApi({ 'GET /after-sales/31': Object.assign({}, CASE, { status: 'awaiting_return', actions: [] }) })
    const { page } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(page.data.showReturnForm).toBe(false)
  })

  test('error state', async () => {
    mockApi({ 'GET /after-sales/31': apiError(404, 'REQUEST_NOT_FOUND', '申请不存在') })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(text(comp)).toContain('申请不存在')
  })

  test('shows the countdown, staff\'s proposal and the thread; the shopper accepts it', async () => {
    const NEGOTIATING = Object.assign({}, CASE, {
      status: 'negotiating', status_label: '协商中·待顾客回应', actions: ['accept_proposal', 'decline_proposal'],
      return_address: null, deadline_label: '还剩 1天3小时', deadline_for: 'shopper', deadline_stage: '顾客回应协商',
      proposal: { kind: 'change_amount', kind_label: '部分退款', amount_fen: 1500, text: '商家建议部分退款 ¥15.00' },
      messages: [{ id: 1, author: 'shopper', author_name: '顾客', kind: 'apply', text: '申请退货退款：质量问题', photos: [], created_at: '2026-11-21T23:00:00+00:00' },
        { id: 2, author: 'staff', author_name: '王主管', kind: 'proposal', text: '商家建议部分退款 ¥15.00', photos: [], created_at: '2026-11-22T01:00:00+00:00' }]
    })
    const api = mockApi({
      'GET /after-sales/31': () => (api.find('POST /after-sales/31/accept-proposal').length
        ? Object.assign({}, NEGOTIATING, { status: 'completed', status_label: '售后完成', actions: [], proposal: null, deadline_label: null })
        : NEGOTIATING),
      'POST /after-sales/31/accept-proposal': { ok: true }
    })
    jest.spyOn(wx, 'showModal').mockImplementation(opts => opts.success && opts.success({ confirm: true, cancel: false }))
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(text(comp)).toContain('还剩 1天3小时')
    expect(text(comp)).toContain('商家建议部分退款 ¥15.00')
    expect(text(comp)).toContain('协商历史')
    expect(text(comp)).toContain('王主管')
    expect(comp.querySelector('#submit-evidence')).toBeFalsy()
    await tap(comp, '#accept-proposal')
    expect(api.find('POST /after-sales/31/accept-proposal')).toHaveLength(1)
    expect(text(comp)).not.toContain('接受方案')
  })

  test('declining sends the case back to staff; without the server\'s action there is no button', async () => {
    const base = Object.assign({}, CASE, { status: 'negotiating', actions: ['decline_proposal'], proposal: { kind: 'withdraw', kind_label: '建议撤销申请', text: '商家建议您撤销本次售后申请' } })
    const api = mockApi({ 'GET /after-sales/31': base, 'POST /after-sales/31/decline-proposal': { ok: true } })
    jest.spyOn(wx, 'showModal').mockImplementation(opts => opts.success && opts.success({ confirm: true, cancel: false }))
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(comp.querySelector('#accept-proposal')).toBeFalsy()
    await tap(comp, '#decline-proposal')
    expect(api.find('POST /after-sales/31/decline-proposal')).toHaveLength(1)
  })

  test('evidence asked for: says what is missing, then uploads and sends it', async () => {
    const base = Object.assign({}, CASE, { status: 'negotiating', actions: ['add_evidence', 'decline_proposal'], proposal: { kind: 'more_evidence', kind_label: '补充凭证', text: '商家请您补充凭证（照片或短视频）：拍破损处' } })
    const api = mockApi({ 'GET /after-sales/31': base, 'POST /after-sales/31/evidence': { ok: true } })
    const { comp, page } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    await tap(comp, '#submit-evidence')
    expect(text(comp)).toContain('请上传凭证或填写说明')
    await tap(comp, '#add-evidence-photo')
    page.onEvidenceText({ detail: { value: '左下角破损' } })
    await tap(comp, '#submit-evidence')
    expect(api.find('POST /after-sales/31/evidence')[0].data).toEqual({ text: '左下角破损', photos: ['https://cdn.example.com/uploads/photo1.jpg'] })
  })
})
