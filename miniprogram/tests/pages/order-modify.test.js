const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

const FIELDS = ['receiver_name', 'receiver_phone', 'province', 'city', 'district', 'address_detail', 'remark']
const ALL = { allowed: true, fields: FIELDS, quantities: true, increase_quantity: true, needs_review: false, hint: '' }

describe('modify page', () => {
  test('only what `modifiable` allows is editable', async () => {
    mockApi({ 'GET /orders/7': order({ modifiable: { allowed: true, fields: ['remark'], quantities: false } }) })
    const { page } = await loadPage('pages/orders/modify/modify', { id: '7' })
    expect(page.data.allowed).toMatchObject({ remark: true, receiver_name: false, address: false, lines: false })
  })

  test('sends only the changed fields', async () => {
    const api = mockApi({ 'GET /orders/7': order({ modifiable: ALL }), 'PATCH /orders/7': order() })
    const { comp, page } = await loadPage('pages/orders/modify/modify', { id: '7' })
    page.onInput({ currentTarget: { dataset: { field: 'receiver_phone' } }, detail: { value: '13912345678' } })
    await tap(comp, '#minus-0')
    await tap(comp, '#submit')
    expect(api.find('PATCH /orders/7')[0].data).toEqual({ receiver_phone: '13912345678', lines: [{ line_id: 11, quantity: 1 }] })
  })

  test('checks the phone before sending', async () => {
    const api = mockApi({ 'GET /orders/7': order({ modifiable: ALL }) })
    const { comp, page } = await loadPage('pages/orders/modify/modify', { id: '7' })
    page.onInput({ currentTarget: { dataset: { field: 'receiver_phone' } }, detail: { value: '12345' } })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请填写正确的 11 位手机号')
    expect(api.find('PATCH /orders/7')).toHaveLength(0)
  })

  test('shows the API validation messages next to the fields', async () => {
    mockApi({
      'GET /orders/7': order({ modifiable: ALL }),
      'PATCH /orders/7': apiError(422, 'VALIDATION_ERROR', '已付款订单不能增加数量，请另行下单', { lines: '已付款订单不能增加数量，请另行下单' })
    })
    const { comp } = await loadPage('pages/orders/modify/modify', { id: '7' })
    await tap(comp, '#plus-0')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('已付款订单不能增加数量')
  })

  test('says when the change waits for the merchant', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    mockApi({
      'GET /orders/7': order({ modifiable: Object.assign({}, ALL, { needs_review: true, hint: '商家已受理，修改需商家同意' }) }),
      'PATCH /orders/7': order({ open_request: { kind: 'modify', status: 'pending' } })
    })
    const { comp, page } = await loadPage('pages/orders/modify/modify', { id: '7' })
    expect(text(comp)).toContain('修改需商家同意')
    page.onInput({ currentTarget: { dataset: { field: 'remark' } }, detail: { value: '周末送' } })
    await tap(comp, '#submit')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交修改申请，请等待商家同意' }))
  })

  test('a paid order cannot raise quantities', async () => {
    const api = mockApi({ 'GET /orders/7': order({ status: 'paid', modifiable: Object.assign({}, ALL, { increase_quantity: false }) }) })
    const { comp, page } = await loadPage('pages/orders/modify/modify', { id: '7' })
    await tap(comp, '#plus-0')
    expect(page.data.lines[0].quantity).toBe(2)
    expect(text(comp)).toContain('已付款订单不能增加数量')
    expect(api.find('PATCH /orders/7')).toHaveLength(0)
  })

  test('an order that cannot be modified shows the server\'s reason', async () => {
    mockApi({ 'GET /orders/7': order({ modifiable: { allowed: false, fields: [], hint: '订单已发货或已结束，不能修改' }, actions: [] }) })
    const { comp } = await loadPage('pages/orders/modify/modify', { id: '7' })
    expect(text(comp)).toContain('订单已发货或已结束，不能修改')
  })
})
