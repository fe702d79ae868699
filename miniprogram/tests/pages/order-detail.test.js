const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

describe('order detail page', () => {
  test('shows status, address, amounts and the timeline in Shanghai time', async () => {
    mockApi({ 'GET /orders/7': order() })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const shown = text(comp)
    expect(shown).toContain('待付款')
    expect(shown).toContain('广东省 深圳市 南山区 科技园路1号')
    expect(shown).toContain('¥58.00')
    expect(shown).toContain('¥8.00')
    expect(shown).toContain('¥66.00')
    expect(shown).toContain('订单已提交')
    expect(shown).toContain('2026-11-22 06:51')
  })

  test('shows exactly the buttons the server allows', async () => {
    mockApi({ 'GET /orders/7': order({ actions: ['confirm_receipt', 'after_sale'] }) })
    const { comp, page } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(page.data.order.buttons.map(b => b.action)).toEqual(['after_sale', 'confirm_receipt'])
    expect(comp.querySelector('#action-pay')).toBeFalsy()
    expect(comp.querySelector('#action-cancel')).toBeFalsy()
    expect(text(comp)).toContain('确认收货')
  })

  test('no actions means no bottom bar', async () => {
    mockApi({ 'GET /orders/7': order({ actions: [] }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(comp.querySelector('.bottom-bar')).toBeFalsy()
  })

  test('pay calls the API and hands pay_params to wx.requestPayment', async () => {
    const payment = jest.spyOn(wx, 'requestPayment')
    const params = { appId: 'wxsandboxappid0001', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'MD5', paySign: 'S' }
    const api = mockApi({ 'GET /orders/7': order(), 'POST /orders/7/pay': { out_trade_no: 'T1', amount_fen: 6600, pay_params: params } })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#action-pay')
    expect(api.find('POST /orders/7/pay')).toHaveLength(1)
    expect(payment).toHaveBeenCalledWith(expect.objectContaining(params))
    expect(api.find('GET /orders/7')).toHaveLength(2)
  })

  test('cancel, modify, after-sales and feedback open their pages', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders/7': order({ actions: ['cancel', 'modify', 'after_sale', 'feedback', 'view_refund'] }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    for (const action of ['cancel', 'modify', 'after_sale', 'feedback', 'view_refund']) await tap(comp, '#action-' + action)
    expect(nav.mock.calls.map(c => c[0].url)).toEqual([
      '/pages/orders/cancel/cancel?id=7', '/pages/orders/modify/modify?id=7',
      '/pages/after-sales/apply/apply?order_id=7', '/pages/orders/feedback/feedback?id=7', '/pages/orders/refund/refund?id=7'
    ])
  })

  test('delete asks first, saying after-sales and reviews are lost, then deletes', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const back = jest.spyOn(wx, 'navigateBack')
    const api = mockApi({ 'GET /orders/7': order({ status: 'cancelled', status_label: '已取消', actions: ['delete'] }), 'DELETE /orders/7': '' })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#action-delete')
    expect(modal.mock.calls[0][0].content).toMatch(/售后.*评价/)
    expect(api.find('DELETE /orders/7')).toHaveLength(1)
    expect(back).toHaveBeenCalled()
  })

  test('delete does nothing when the shopper changes their mind', async () => {
    jest.spyOn(wx, 'showModal').mockImplementation(opts => opts.success({ confirm: false, cancel: true, errMsg: '' }))
    const api = mockApi({ 'GET /orders/7': order({ actions: ['delete'] }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#action-delete')
    expect(api.find('DELETE /orders/7')).toHaveLength(0)
  })

  test('confirm receipt posts after confirmation and shows the API error in Chinese', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const api = mockApi({
      'GET /orders/7': order({ status: 'shipped', actions: ['confirm_receipt'] }),
      'POST /orders/7/confirm-receipt': apiError(409, 'ORDER_ACTION_NOT_ALLOWED', '订单当前状态不允许此操作')
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#action-confirm_receipt')
    expect(api.find('POST /orders/7/confirm-receipt')).toHaveLength(1)
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '订单当前状态不允许此操作' }))
  })

  test('when WeChat manages trades, 确认收货 opens WeChat\'s confirmation page, then asks the server', async () => {
    const view = jest.spyOn(wx, 'openBusinessView')
    const extraData = { transaction_id: '4200000001', merchant_id: '1900000109', merchant_trade_no: 'T7' }
    const api = mockApi({
      'GET /orders/7': order({ status: 'shipped', actions: ['confirm_receipt_in_wechat'], wechat_confirm: extraData }),
      'POST /orders/7/confirm-receipt': order({ status: 'completed', actions: [] })
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(text(comp)).toContain('确认收货')
    await tap(comp, '#action-confirm_receipt_in_wechat')
    expect(view).toHaveBeenCalledWith(expect.objectContaining({ businessType: 'weappOrderConfirm', extraData }))
    expect(api.find('POST /orders/7/confirm-receipt')).toHaveLength(1)
    expect(api.find('GET /orders/7')).toHaveLength(2)
  })

  test('leaving WeChat\'s confirmation page without confirming changes nothing', async () => {
    jest.spyOn(wx, 'openBusinessView').mockImplementation(opts => opts.fail({ errMsg: 'openBusinessView:fail cancel' }))
    const api = mockApi({ 'GET /orders/7': order({ status: 'shipped', actions: ['confirm_receipt_in_wechat'], wechat_confirm: {} }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    await tap(comp, '#action-confirm_receipt_in_wechat')
    expect(api.find('POST /orders/7/confirm-receipt')).toHaveLength(0)
  })

  test('shows refunds and the open request', async () => {
    mockApi({
      'GET /orders/7': order({
        status: 'paid', refund_status: 'refunding', refund_status_label: '退款中',
        refunds: [{ id: 1, amount_fen: 6600, method_label: '原路退回', status: 'processing', status_label: '退款中', expected_arrival: '1-3 个工作日内原路退回' }],
        open_request: { id: 3, kind: 'cancel', kind_label: '取消申请', status: 'pending', status_label: '待商家处理', reason_text: '买错了' }
      })
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const shown = text(comp)
    expect(shown).toContain('退款进度')
    expect(shown).toContain('取消申请')
    expect(shown).toContain('待商家处理')
  })

  test('shows the error state when the order cannot be loaded', async () => {
    mockApi({ 'GET /orders/7': apiError(404, 'ORDER_NOT_FOUND', '订单不存在') })
    const { comp, page } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(page.data.state).toBe('error')
    expect(text(comp)).toContain('订单不存在')
  })
})
