const { loadPage, settle, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order, buttons } = require('../support/fixtures')

const ISSUED = {
  id: 3, order_id: 7, kind: 'company', kind_label: '企业', title: '上海某某科技有限公司', tax_no: '91310000MA1K4XXX1X',
  email: 'fin@example.com', status: 'issued', status_label: '已开具', amount_fen: 6600, invoice_no: '24310000000012345678',
  has_pdf: true, note: '电子发票已开具（¥66.00），已发送至 fin@example.com，也可在此下载'
}

describe('invoice page (发票)', () => {
  test('asks for a company invoice with the tax number, then shows 申请中', async () => {
    const api = mockApi({
      'GET /orders/7/invoice': { invoice: null, actions: ['request_invoice'], buttons: buttons(['request_invoice']) },
      'POST /orders/7/invoice': req => ({ __status: 201, body: { invoice: { ...ISSUED, ...req.data, status: 'requested', status_label: '申请中', invoice_no: null, has_pdf: false, note: '发票申请已提交，开具后将发送至 fin@example.com' }, actions: [], buttons: buttons([]) } })
    })
    const { comp, page } = await loadPage('pages/invoice/invoice', { id: '7' })
    expect(comp.querySelector('#invoice-form')).toBeTruthy()
    expect(comp.querySelector('#tax-no')).toBeFalsy() // 个人 first: no tax number
    await tap(comp, '#kind-company')
    expect(comp.querySelector('#tax-no')).toBeTruthy()
    page.onInput({ currentTarget: { dataset: { field: 'title' } }, detail: { value: ' 上海某某科技有限公司 ' } })
    page.onInput({ currentTarget: { dataset: { field: 'taxNo' } }, detail: { value: '91310000ma1k4xxx1x' } })
    page.onInput({ currentTarget: { dataset: { field: 'email' } }, detail: { value: 'fin@example.com' } })
    await tap(comp, '#submit')
    expect(api.find('POST /orders/7/invoice')[0].data).toEqual({
      kind: 'company', title: '上海某某科技有限公司', tax_no: '91310000MA1K4XXX1X', email: 'fin@example.com'
    })
    expect(text(comp)).toContain('申请中')
    expect(comp.querySelector('#invoice-form')).toBeFalsy()
  })

  test('shows the server\'s field error next to the field', async () => {
    mockApi({
      'GET /orders/7/invoice': { invoice: null, actions: ['request_invoice'], buttons: buttons(['request_invoice']) },
      'POST /orders/7/invoice': apiError(422, 'VALIDATION_ERROR', '企业发票须填写正确的纳税人识别号', { tax_no: '企业发票须填写正确的纳税人识别号' })
    })
    const { comp } = await loadPage('pages/invoice/invoice', { id: '7' })
    await tap(comp, '#kind-company')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('企业发票须填写正确的纳税人识别号')
  })

  test('an issued invoice shows its state and downloads as a PDF with the token', async () => {
    mockApi({ 'GET /orders/7/invoice': { invoice: ISSUED, actions: ['download'], buttons: buttons(['download']) } })
    wx.downloadFile = jest.fn(opts => setTimeout(() => opts.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/fapiao.pdf' }), 0))
    wx.openDocument = jest.fn()
    const { comp } = await loadPage('pages/invoice/invoice', { id: '7' })
    expect(text(comp)).toContain('已开具')
    expect(text(comp)).toContain('24310000000012345678')
    expect(comp.querySelector('#download').dom.textContent.trim()).toBe('下载发票') // the server's word
    expect(comp.querySelector('#invoice-form')).toBeFalsy()
    await tap(comp, '#download')
    await settle()
    expect(wx.downloadFile.mock.calls[0][0].url).toMatch(/\/orders\/7\/invoice\/pdf$/)
    expect(wx.downloadFile.mock.calls[0][0].header.Authorization).toMatch(/^Bearer /)
    expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/fapiao.pdf', fileType: 'pdf' }))
  })

  test('a reversed invoice says so and offers nothing', async () => {
    mockApi({ 'GET /orders/7/invoice': { invoice: { ...ISSUED, status: 'red_issued', status_label: '已冲红', has_pdf: false, note: '订单已退款，原发票已冲红作废' }, actions: [], buttons: buttons([]) } })
    const { comp } = await loadPage('pages/invoice/invoice', { id: '7' })
    expect(text(comp)).toContain('已冲红')
    expect(text(comp)).toContain('原发票已冲红作废')
    expect(comp.querySelector('#download')).toBeFalsy()
  })
})

describe('order detail shows the invoice (发票)', () => {
  test('its state links to the invoice page', async () => {
    const go = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders/7': order({ status: 'paid' }), 'GET /orders/7/invoice': { invoice: ISSUED, actions: ['download'], buttons: buttons(['download']) } })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await settle()
    expect(comp.querySelector('#invoice')).toBeTruthy()
    expect(text(comp)).toContain('已开具')
    await tap(comp, '#invoice')
    expect(go).toHaveBeenCalledWith({ url: '/pages/invoice/invoice?id=7' })
  })

  test('an order that cannot have one shows no invoice card', async () => {
    mockApi({ 'GET /orders/7': order(), 'GET /orders/7/invoice': { invoice: null, actions: [], buttons: buttons([]) } })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await settle()
    expect(comp.querySelector('#invoice')).toBeFalsy()
  })
})
