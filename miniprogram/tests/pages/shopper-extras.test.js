// Issue 12 item 10: 联系客服, 一键导入微信地址, buttons on order-list cards, the parcel (物流) and
// timeline, copying the return address.
const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order, page } = require('../support/fixtures')

const SHIPPED_AT = '2026-11-22T02:00:00+00:00'
const PARCEL = {
  carrier: '中通快递', tracking_no: 'ZT1234567890', shipped_at: SHIPPED_AT, status_label: '已签收',
  events: [
    { id: 3, kind: 'shipped', label: '商家已发货', at: SHIPPED_AT, data: { carrier: '中通快递', tracking_no: 'ZT1234567890' } },
    { id: 4, kind: 'delivered', label: '快递已签收', at: '2026-11-23T06:30:00+00:00', data: {} }
  ]
}

function shippedOrder(overrides) {
  return order(Object.assign({
    status: 'shipped', status_label: '待收货', actions: ['confirm_receipt', 'after_sale'],
    carrier: PARCEL.carrier, tracking_no: PARCEL.tracking_no, logistics: PARCEL
  }, overrides))
}

const WECHAT_ADDRESS = {
  errMsg: 'chooseAddress:ok', userName: ' 李四 ', telNumber: '139-0013-9000', provinceName: '浙江省',
  cityName: '杭州市', countyName: '西湖区', detailInfo: '文三路 90 号 5 楼', postalCode: '310000'
}

describe('联系客服', () => {
  test('the order page opens WeChat customer service carrying the order number', async () => {
    mockApi({ 'GET /orders/7': order() })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const button = comp.querySelector('#contact')
    expect(button).toBeTruthy()
    expect(button.data).toEqual(expect.objectContaining({
      openType: 'contact', sessionFrom: 'order:20261122065154331013', showMessageCard: true,
      sendMessageTitle: '订单 20261122065154331013', sendMessagePath: '/pages/orders/detail/detail?id=7'
    }))
    expect(text(comp)).toContain('联系客服')
  })

  test('我的 opens WeChat customer service too', async () => {
    mockApi({ 'GET /orders': page([]) })
    const { comp } = await loadPage('pages/mine/mine')
    const button = comp.querySelector('#contact')
    expect(button.data).toEqual(expect.objectContaining({ openType: 'contact', sessionFrom: 'mine' }))
    expect(text(comp)).toContain('联系客服')
  })
})

describe('一键导入微信地址', () => {
  test('the picked WeChat address is saved through the address API and the list reloads', async () => {
    jest.spyOn(wx, 'chooseAddress').mockImplementation(opts => setTimeout(() => opts.success(WECHAT_ADDRESS), 0))
    const api = mockApi({ 'GET /addresses': [], 'POST /addresses': { id: 5 } })
    const { comp } = await loadPage('pages/addresses/list/list')
    await tap(comp, '#import')
    expect(api.find('POST /addresses').map(c => c.data)).toEqual([{
      receiver: '李四', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区',
      detail: '文三路 90 号 5 楼', is_default: true
    }])
    expect(api.find('GET /addresses')).toHaveLength(2)
  })

  test('an address the server refuses opens the edit page filled in', async () => {
    jest.spyOn(wx, 'chooseAddress').mockImplementation(opts => setTimeout(() => opts.success(Object.assign({}, WECHAT_ADDRESS, { telNumber: '020-12345678' })), 0))
    const nav = jest.spyOn(wx, 'navigateTo')
    const api = mockApi({
      'GET /addresses': [],
      'POST /addresses': apiError(422, 'VALIDATION_FAILED', '请填写正确的 11 位手机号', { phone: ['请填写正确的 11 位手机号'] })
    })
    const { comp } = await loadPage('pages/addresses/list/list')
    await tap(comp, '#import')
    expect(api.find('POST /addresses')).toHaveLength(1)
    const url = nav.mock.calls[0][0].url
    expect(url).toMatch(/^\/pages\/addresses\/edit\/edit\?draft=/)

    const edit = await loadPage('pages/addresses/edit/edit', { draft: url.split('draft=')[1] })
    expect(edit.page.data.form.region).toEqual(['浙江省', '杭州市', '西湖区'])
    expect(text(edit.comp)).toContain('请填写正确的 11 位手机号')
  })

  test('closing WeChat\'s picker saves nothing', async () => {
    jest.spyOn(wx, 'chooseAddress').mockImplementation(opts => setTimeout(() => opts.fail({ errMsg: 'chooseAddress:fail cancel' }), 0))
    const api = mockApi({ 'GET /addresses': [] })
    const { comp } = await loadPage('pages/addresses/list/list')
    await tap(comp, '#import')
    expect(api.find('POST /addresses')).toHaveLength(0)
  })

  test('the edit page fills its form from WeChat and saves only on 保存', async () => {
    jest.spyOn(wx, 'chooseAddress').mockImplementation(opts => setTimeout(() => opts.success(WECHAT_ADDRESS), 0))
    const api = mockApi({ 'POST /addresses': { id: 6 } })
    const { comp, page: p } = await loadPage('pages/addresses/edit/edit')
    await tap(comp, '#import')
    expect(p.data.form).toEqual(expect.objectContaining({ receiver: '李四', phone: '13900139000', detail: '文三路 90 号 5 楼' }))
    expect(api.find('POST /addresses')).toHaveLength(0)
    await tap(comp, '#save')
    expect(api.find('POST /addresses')[0].data).toEqual(expect.objectContaining({ receiver: '李四', province: '浙江省' }))
  })
})

describe('order-list cards', () => {
  test('each card shows exactly its order\'s server actions', async () => {
    mockApi({
      'GET /orders': page([
        order({ id: 1, actions: ['pay', 'cancel'] }),
        order({ id: 2, actions: ['confirm_receipt', 'after_sale'] }),
        order({ id: 3, actions: [] })
      ])
    })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    expect(p.data.items.map(item => item.buttons.map(b => b.action))).toEqual([['cancel', 'pay'], ['after_sale', 'confirm_receipt'], []])
    expect(comp.querySelector('#order-1-pay')).toBeTruthy()
    expect(comp.querySelector('#order-1-confirm_receipt')).toBeFalsy()
    expect(comp.querySelector('#order-2-confirm_receipt')).toBeTruthy()
    expect(comp.querySelector('#order-3-pay')).toBeFalsy()
  })

  test('去支付 on a card pays that order and refreshes the list, without opening the order', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    const payment = jest.spyOn(wx, 'requestPayment')
    const api = mockApi({
      'GET /orders': page([order({ id: 1, actions: ['pay'] })]),
      'POST /orders/1/pay': { out_trade_no: 'T1', amount_fen: 6600, pay_params: { package: 'prepay_id=wx1' } }
    })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-1-pay')
    expect(api.find('POST /orders/1/pay')).toHaveLength(1)
    expect(payment).toHaveBeenCalledWith(expect.objectContaining({ package: 'prepay_id=wx1' }))
    expect(api.find('GET /orders')).toHaveLength(2)
    expect(nav).not.toHaveBeenCalled()
  })

  test('确认收货 on a card asks, posts once even when tapped twice, and refreshes', async () => {
    const api = mockApi({
      'GET /orders': page([order({ id: 2, status: 'shipped', actions: ['confirm_receipt'] })]),
      'POST /orders/2/confirm-receipt': order({ id: 2, status: 'completed', actions: [] })
    })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    const button = comp.querySelector('#order-2-confirm_receipt')
    button.dispatchEvent('tap')
    button.dispatchEvent('tap')
    await tap(comp, '.order') // let both taps settle
    expect(api.find('POST /orders/2/confirm-receipt')).toHaveLength(1)
    expect(api.find('GET /orders')).toHaveLength(2)
    expect(p.data.acting).toBe(false)
  })

  test('取消订单 and 申请售后 open the same pages as on the order detail', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders': page([order({ id: 4, actions: ['cancel', 'after_sale'] })]) })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-4-cancel')
    await tap(comp, '#order-4-after_sale')
    expect(nav.mock.calls.map(c => c[0].url)).toEqual(['/pages/orders/cancel/cancel?id=4', '/pages/after-sales/apply/apply?order_id=4'])
  })

  test('删除订单 on a card deletes after confirmation and reloads the list', async () => {
    const api = mockApi({ 'GET /orders': page([order({ id: 5, status: 'cancelled', actions: ['delete'] })]), 'DELETE /orders/5': '' })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-5-delete')
    expect(api.find('DELETE /orders/5')).toHaveLength(1)
    expect(api.find('GET /orders')).toHaveLength(2)
  })

  test('确认收货 in WeChat on a card fetches the order for WeChat\'s confirmation page', async () => {
    const view = jest.spyOn(wx, 'openBusinessView')
    const extraData = { transaction_id: '4200000001', merchant_id: '1900000109', merchant_trade_no: 'T6' }
    const api = mockApi({
      'GET /orders': page([order({ id: 6, status: 'shipped', actions: ['confirm_receipt_in_wechat'] })]),
      'GET /orders/6': order({ id: 6, actions: ['confirm_receipt_in_wechat'], wechat_confirm: extraData }),
      'POST /orders/6/confirm-receipt': order({ id: 6, status: 'completed', actions: [] })
    })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-6-confirm_receipt_in_wechat')
    expect(view).toHaveBeenCalledWith(expect.objectContaining({ businessType: 'weappOrderConfirm', extraData }))
    expect(api.find('POST /orders/6/confirm-receipt')).toHaveLength(1)
  })
})

describe('物流 and timeline', () => {
  test('the order page shows the parcel\'s state, number and latest event, and opens the 物流 page', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    const copy = jest.spyOn(wx, 'setClipboardData')
    mockApi({ 'GET /orders/7': shippedOrder() })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    const shown = text(comp)
    expect(shown).toContain('物流 · 已签收')
    expect(shown).toContain('中通快递 ZT1234567890')
    expect(shown).toContain('快递已签收 2026-11-23 14:30')
    await tap(comp, '#copy-tracking')
    expect(copy).toHaveBeenCalledWith(expect.objectContaining({ data: 'ZT1234567890' }))
    expect(nav).not.toHaveBeenCalled()
    await tap(comp, '#parcel')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/orders/logistics/logistics?id=7' })
  })

  test('no parcel before shipping: no 物流 card', async () => {
    mockApi({ 'GET /orders/7': order({ logistics: null }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(comp.querySelector('#parcel')).toBeFalsy()
  })

  test('the 物流 page lists the parcel\'s events newest first in Shanghai time, with the receiver', async () => {
    const copy = jest.spyOn(wx, 'setClipboardData')
    mockApi({ 'GET /orders/7': shippedOrder() })
    const { comp, page: p } = await loadPage('pages/orders/logistics/logistics', { id: '7' })
    expect(p.data.parcel.events.map(e => e.label)).toEqual(['快递已签收', '商家已发货'])
    const shown = text(comp)
    expect(shown).toContain('已签收')
    expect(shown).toContain('发货时间 2026-11-22 10:00')
    expect(shown).toContain('2026-11-23 14:30')
    expect(shown).toContain('张三 13800138000')
    await tap(comp, '#copy-tracking')
    expect(copy).toHaveBeenCalledWith(expect.objectContaining({ data: 'ZT1234567890' }))
  })

  test('the 物流 page of an unshipped order says so', async () => {
    mockApi({ 'GET /orders/7': order({ logistics: null }) })
    const { comp, page: p } = await loadPage('pages/orders/logistics/logistics', { id: '7' })
    expect(p.data.state).toBe('empty')
    expect(text(comp)).toContain('商家发货后可在这里查看物流')
  })

  test('the order timeline shows the order\'s events newest first', async () => {
    mockApi({ 'GET /orders/7': shippedOrder({ timeline: [
      { id: 1, kind: 'placed', label: '订单已提交', at: '2026-11-21T22:51:54+00:00', data: {} },
      { id: 2, kind: 'paid', label: '支付成功', at: '2026-11-21T22:53:00+00:00', data: {} },
      PARCEL.events[0]
    ] }) })
    const { page: p } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(p.data.order.timeline.map(e => e.label)).toEqual(['商家已发货', '支付成功', '订单已提交'])
  })
})

describe('copy the return address', () => {
  test('the after-sales case page copies its return address', async () => {
    const copy = jest.spyOn(wx, 'setClipboardData')
    mockApi({
      'GET /after-sales/31': {
        id: 31, order_id: 7, type: 'return_refund', type_label: '退货退款', status: 'awaiting_return', status_label: '待寄回商品',
        actions: [], amount_fen: 2900, return_address: '上海市浦东新区 退货仓 张收 021-12345678', created_at: '2026-11-21T23:00:00+00:00'
      }
    })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    await tap(comp, '#copy-return-address >>> .copy-text')
    expect(copy).toHaveBeenCalledWith(expect.objectContaining({ data: '上海市浦东新区 退货仓 张收 021-12345678' }))
  })
})

describe('tab bar', () => {
  const fs = require('fs')
  const path = require('path')
  const { ROOT } = require('../support/page')

  test('every tab has an 81×81 PNG icon and a selected one (scripts/tabbar_icons.py)', () => {
    const tabBar = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).tabBar
    expect(tabBar.list.map(tab => tab.text)).toEqual(['首页', '我的'])
    for (const tab of tabBar.list) {
      expect(tab.selectedIconPath).not.toBe(tab.iconPath)
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        const png = fs.readFileSync(path.join(ROOT, icon))
        expect(png.subarray(1, 4).toString()).toBe('PNG')
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([81, 81])
        expect(png.length).toBeLessThan(40 * 1024) // WeChat refuses tab icons over 40 kB
      }
    }
  })
})
