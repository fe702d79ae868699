// The order pages against the real shop (launched by tests/support/backend-setup.js): wx.request goes
// over HTTP to the API, payment is completed through the WeChat sandbox's control API.
const { loadPage, text, waitFor } = require('../support/page')
const { describeBackend, bridgeWx, shopper, payInSandbox, staff, state, httpCall, wechatHasShipment } = require('../support/backend')

const unique = name => `${name}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`
const act = action => ({ currentTarget: { dataset: { action } } })

describeBackend('order list and detail against the real API', () => {
  test('the list shows the shopper\'s orders with tab counts, searches and filters', async () => {
    const alice = await shopper(unique('mp-list'))
    const first = await alice.placeOrder([{ sku_id: 1, quantity: 1 }])
    const second = await alice.placeOrder([{ sku_id: 3, quantity: 1 }])
    bridgeWx()
    const { page, comp } = await loadPage('pages/orders/list/list')
    expect(page.data.items.map(o => o.id)).toEqual([second.id, first.id])
    expect(page.data.tabs.find(t => t.key === 'pending_payment').count).toBe(2)
    expect(text(comp)).toContain('待付款')

    page.onSearchInput({ detail: { value: first.order_no } })
    await page.onSearch()
    expect(page.data.items.map(o => o.id)).toEqual([first.id])
    page.onSearchInput({ detail: { value: '无线充电' } })
    await page.onSearch()
    expect(page.data.items.map(o => o.id)).toEqual([second.id])

    await page.onClearSearch()
    await page.onTab({ currentTarget: { dataset: { key: 'cancelled' } } })
    expect(page.data.state).toBe('empty')
  })

  test('the detail shows the server\'s actions as buttons, and paying through WeChat Pay marks it paid', async () => {
    const bob = await shopper(unique('mp-pay'))
    const placed = await bob.placeOrder()
    const responses = bridgeWx()
    payInSandbox(responses)
    const { page, comp } = await loadPage('pages/orders/detail/detail', { id: String(placed.id) })
    expect(page.data.order.buttons.map(b => b.action).sort()).toEqual(placed.actions.slice().sort())
    expect(text(comp)).toContain(placed.order_no)
    expect(text(comp)).toContain('¥66.00')

    await page.onOrderAction(act('pay'))
    await waitFor(async () => {
      await page.load(true)
      return page.data.order.status === 'paid'
    }, 15000, 'the payment notification')
    expect(text(comp)).toContain('待发货')
    expect(page.data.order.buttons.map(b => b.action)).not.toContain('pay')
  })
})

describeBackend('cancel, modify and delete against the real API', () => {
  test('an unpaid order is cancelled at once with the chosen reason', async () => {
    const carol = await shopper(unique('mp-cancel'))
    const placed = await carol.placeOrder()
    bridgeWx()
    const { page } = await loadPage('pages/orders/cancel/cancel', { id: String(placed.id) })
    expect(page.data.state).toBe('ready')
    expect(page.data.reasons.length).toBeGreaterThan(0)
    expect(page.data.moneyNote).toContain('尚未付款')
    const index = page.data.reasons.findIndex(r => !r.textRequired)
    page.onReason({ detail: { value: String(index) } })
    page.onText({ detail: { value: '不想要了' } })
    await page.onSubmit()
    const order = await carol.call('GET', `/orders/${placed.id}`)
    expect(order.status).toBe('cancelled')
    expect(order.cancel_reason_code).toBe(page.data.reasons[index].code)
  })

  test('a paid order cancelled within the free window is refunded and the refund page shows progress', async () => {
    const dave = await shopper(unique('mp-refund'))
    const placed = await dave.placeOrder()
    await dave.payOrder(placed.id)
    bridgeWx()
    const cancel = await loadPage('pages/orders/cancel/cancel', { id: String(placed.id) })
    expect(cancel.page.data.moneyNote).toContain('1–3 个工作日')
    cancel.page.onReason({ detail: { value: '0' } })
    await cancel.page.onSubmit()
    const order = await dave.waitForStatus(placed.id, status => status === 'cancelled')
    expect(order.refunds.length).toBe(1)

    const refund = await loadPage('pages/orders/refund/refund', { id: String(placed.id) })
    expect(refund.page.data.state).toBe('ready')
    expect(refund.page.data.refunds[0].amount_text).toBe('¥66.00')
    expect(text(refund.comp)).toMatch(/1-3 个工作日|已到账/)

    const messages = await loadPage('pages/messages/messages')
    expect(messages.page.data.items.length).toBeGreaterThan(0)
  })

  test('modify changes phone, remark and quantity; the API\'s validation message is shown', async () => {
    const erin = await shopper(unique('mp-modify'))
    const placed = await erin.placeOrder([{ sku_id: 1, quantity: 3 }])
    bridgeWx()
    const { page, comp } = await loadPage('pages/orders/modify/modify', { id: String(placed.id) })
    expect(page.data.state).toBe('ready')
    expect(page.data.allowed).toMatchObject({ receiver_phone: true, remark: true, lines: true })

    page.setData({ 'form.remark': 'x'.repeat(201) })
    await page.onSubmit()
    expect(text(comp)).toContain('200')

    page.onInput({ currentTarget: { dataset: { field: 'receiver_phone' } }, detail: { value: '13912345678' } })
    page.onInput({ currentTarget: { dataset: { field: 'remark' } }, detail: { value: '请周末送货' } })
    page.onQuantity({ currentTarget: { dataset: { index: 0, step: -1 } } })
    await page.onSubmit()
    const order = await erin.call('GET', `/orders/${placed.id}`)
    expect(order.receiver_phone).toBe('13912345678')
    expect(order.remark).toBe('请周末送货')
    expect(order.items[0].quantity).toBe(2)
  })

  test('delete warns what is lost and hides a cancelled order from the list', async () => {
    const fay = await shopper(unique('mp-delete'))
    const placed = await fay.placeOrder()
    await fay.call('POST', `/orders/${placed.id}/cancel`, { reason_code: 'changed_mind', reason_text: '' })
    const modal = jest.spyOn(wx, 'showModal')
    bridgeWx()
    const { page } = await loadPage('pages/orders/detail/detail', { id: String(placed.id) })
    expect(page.data.order.buttons.map(b => b.action)).toContain('delete')
    await page.onOrderAction(act('delete'))
    expect(modal.mock.calls[0][0].content).toMatch(/售后/)
    expect(modal.mock.calls[0][0].content).toMatch(/评价/)
    const list = await loadPage('pages/orders/list/list')
    expect(list.page.data.items.map(o => o.id)).not.toContain(placed.id)
    expect(list.page.data.tabs.find(t => t.key === 'cancelled').count).toBe(0)
  })
})

describeBackend('after-sales against the real API', () => {
  test('confirm receipt, apply for return and refund, then send the goods back', async () => {
    const gus = await shopper(unique('mp-aftersale'))
    const placed = await gus.placeOrder([{ sku_id: 1, quantity: 2 }])
    await gus.payOrder(placed.id)
    await staff('accept', placed.id)
    await staff('ship', placed.id)
    bridgeWx()

    const detail = await loadPage('pages/orders/detail/detail', { id: String(placed.id) })
    expect(detail.page.data.order.status).toBe('shipped')
    // The sandbox's mini-program has WeChat's shipping management on (W5): the shopper confirms in
    // WeChat's own page, which the sandbox records, and the server then checks with WeChat.
    expect(detail.page.data.order.buttons.map(b => b.action)).toContain('confirm_receipt_in_wechat')
    // The shipment reaches WeChat through a job of the worker; the shopper confirms once WeChat has it
    // (before that, WeChat's page refuses, as the sandbox does: then `fail`, as WeChat would).
    await wechatHasShipment(detail.page.data.order.wechat_confirm.merchant_trade_no)
    jest.spyOn(wx, 'openBusinessView').mockImplementation(opts => {
      httpCall('POST', state.sandbox + '/__control__/shipping/confirm', { out_trade_no: opts.extraData.merchant_trade_no })
        .then(res => res.statusCode === 200
          ? opts.success && opts.success(/** @type {any} */ ({ errMsg: 'openBusinessView:ok' }))
          : opts.fail && opts.fail(/** @type {any} */ ({ errMsg: 'openBusinessView:fail ' + JSON.stringify(res.data) })))
    })
    await detail.page.onOrderAction(act('confirm_receipt_in_wechat'))
    expect(detail.page.data.order.status).toBe('completed')
    expect(detail.page.data.order.buttons.map(b => b.action)).toContain('after_sale')

    const redirect = jest.spyOn(wx, 'redirectTo')
    const apply = await loadPage('pages/after-sales/apply/apply', { order_id: String(placed.id) })
    expect(apply.page.data.state).toBe('ready')
    apply.page.onType({ currentTarget: { dataset: { code: 'return_refund' } } })
    apply.page.onToggleLine({ currentTarget: { dataset: { index: 0 } } })
    apply.page.onQuantity({ currentTarget: { dataset: { index: 0, step: -1 } } })
    const reason = apply.page.data.reasons.findIndex(r => r.code === 'no_reason')
    apply.page.onReason({ detail: { value: String(reason >= 0 ? reason : 0) } })
    await apply.page.onSubmit() // without photos: the API has no upload endpoint yet

    expect(apply.page.data.formError).toBe('')
    const url = redirect.mock.calls[0][0].url
    const caseId = url.split('id=')[1]

    let aCase = await loadPage('pages/after-sales/detail/detail', { id: caseId })
    expect(aCase.page.data.aCase.status).toBe('pending')
    expect(aCase.page.data.showReturnForm).toBe(false)
    expect(text(aCase.comp)).toContain('退货退款')

    await staff('approve', aCase.page.data.aCase.request_id)
    aCase = await loadPage('pages/after-sales/detail/detail', { id: caseId })
    expect(aCase.page.data.showReturnForm).toBe(true)
    aCase.page.onCarrier({ detail: { value: '0' } })
    aCase.page.onTrackingNo({ detail: { value: 'SF1234567890' } })
    await aCase.page.onSubmitReturn()
    expect(aCase.page.data.aCase.return_tracking_no).toBe('SF1234567890')
    expect(aCase.page.data.aCase.status).toBe('returning')
  })
})
