const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order, page } = require('../support/fixtures')
const config = require('../../config/api')

const PRODUCT = {
  id: 1, name: '快充数据线', description: '快充数据线，精选好物。', image: '/static/products/1.png', min_price_fen: 2900,
  category: { id: 1, name: '数码配件' },
  skus: [{ id: 1, name: '1米', price_fen: 2900, stock: 3 }, { id: 2, name: '2米', price_fen: 3900, stock: 0 }]
}
const ADDRESS = { id: 5, receiver: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路 1 号', is_default: true }

describe('product list', () => {
  test('shows products with prices, filters by category and pages', async () => {
    const items = Array.from({ length: 10 }, (_, i) => Object.assign({}, PRODUCT, { id: i + 1 }))
    const api = mockApi({
      'GET /categories': [{ id: 1, name: '数码配件' }],
      'GET /products': req => ({ items: req.data.page === 1 ? items : [PRODUCT], total: 11, page: req.data.page, per_page: 10 })
    })
    const { comp, page } = await loadPage('pages/index/index')
    expect(text(comp)).toContain('¥29.00')
    await page.onReachBottom()
    expect(page.data.items).toHaveLength(11)
    await tap(comp, '#category-1')
    expect(api.find('GET /products').pop().data).toMatchObject({ category_id: 1, page: 1 })
  })

  test('empty and error states', async () => {
    mockApi({ 'GET /categories': [], 'GET /products': { items: [], total: 0 } })
    let loaded = await loadPage('pages/index/index')
    expect(text(loaded.comp)).toContain('没有找到商品')
    mockApi({ 'GET /categories': [], 'GET /products': apiError(503, 'SERVICE_UNAVAILABLE', '服务暂时不可用') })
    loaded = await loadPage('pages/index/index')
    expect(text(loaded.comp)).toContain('服务暂时不可用')
  })
})

describe('product detail', () => {
  test('picks the first SKU in stock, limits quantity to stock, and buys', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /products/1': PRODUCT })
    const { comp, page } = await loadPage('pages/product/product', { id: '1' })
    expect(text(comp)).toContain('2米（缺货）')
    await tap(comp, '#sku-2')
    expect(page.data.skuIndex).toBe(0)
    for (let i = 0; i < 4; i++) await tap(comp, '#plus')
    expect(page.data.quantity).toBe(3)
    await tap(comp, '#buy')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/checkout/checkout?product_id=1&sku_id=1&quantity=3' })
  })

  test('error state', async () => {
    mockApi({ 'GET /products/1': apiError(404, 'PRODUCT_NOT_FOUND', '商品不存在') })
    const { comp } = await loadPage('pages/product/product', { id: '1' })
    expect(text(comp)).toContain('商品不存在')
  })
})

describe('checkout', () => {
  const routes = extra => Object.assign({
    'GET /products/1': PRODUCT,
    'GET /addresses': [ADDRESS],
    'POST /orders/quote': req => ({
      goods_fen: 5800, freight_fen: 800, coupon_discount_fen: req.data.coupon_id === null ? 0 : 500, balance_fen: 0,
      payable_fen: req.data.coupon_id === null ? 6600 : 6100, balance_available_fen: 0,
      chosen_coupon_id: req.data.coupon_id === null ? null : 9,
      coupons: [{ id: 9, name: '新人无门槛5元', discount_fen: 500, usable: true, reason_unusable: null },
        { id: 10, name: '满99减10', discount_fen: 0, usable: false, reason_unusable: '未达到优惠券使用门槛（满99元）' }]
    }),
    'POST /subscriptions': { ok: true },
    'POST /orders/7/pay': { out_trade_no: 'T1', amount_fen: 5300, pay_params: { appId: 'wxsandboxappid0001', package: 'prepay_id=1' } }
  }, extra)

  test('subscribes, creates the order with address, coupon and remark, pays and opens the order', async () => {
    const subscribe = jest.spyOn(wx, 'requestSubscribeMessage')
    const payment = jest.spyOn(wx, 'requestPayment')
    const redirect = jest.spyOn(wx, 'redirectTo')
    const api = mockApi(routes({ 'POST /orders': order() }))
    const { comp, page } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '1', quantity: '2' })
    expect(text(comp)).toContain('张三')
    expect(page.data.couponOptions).toHaveLength(2) // 满99 is not reachable with ¥58
    await page.onCoupon({ detail: { value: '1' } })
    page.onRemark({ detail: { value: '放门口' } })
    await tap(comp, '#submit')
    expect(subscribe.mock.calls[0][0].tmplIds).toEqual(config.SUBSCRIBE_AT.checkout.map(k => 'tmpl-' + k))
    expect(api.find('POST /subscriptions')[0].data).toEqual({ templates: config.SUBSCRIBE_AT.checkout })
    const create = api.find('POST /orders')[0]
    expect(create.data).toEqual({ items: [{ sku_id: 1, quantity: 2 }], address_id: 5, coupon_id: 9, remark: '放门口' })
    expect(create.header['Idempotency-Key']).toMatch(/^mp-/)
    expect(payment).toHaveBeenCalledWith(expect.objectContaining({ package: 'prepay_id=1' }))
    expect(redirect).toHaveBeenCalledWith({ url: '/pages/orders/detail/detail?id=7' })
  })

  test('a retried submit reuses the Idempotency-Key; a changed order gets a new one', async () => {
    let attempts = 0
    const api = mockApi(routes({ 'POST /orders': () => (++attempts < 3 ? { __status: 502, body: '' } : order()) }))
    const { comp, page } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '1', quantity: '1' })
    await tap(comp, '#submit')
    expect(text(comp)).toContain('服务器开小差了')
    await tap(comp, '#submit')
    const keys = api.find('POST /orders').map(c => c.header['Idempotency-Key'])
    expect(keys[0]).toBe(keys[1])
    page.onRemark({ detail: { value: '改了备注' } })
    await tap(comp, '#submit')
    expect(api.find('POST /orders')[2].header['Idempotency-Key']).not.toBe(keys[0])
  })

  test('a shopper who closes WeChat Pay still lands on the order to pay later; refusing templates is fine', async () => {
    jest.spyOn(wx, 'requestSubscribeMessage').mockImplementation(opts => opts.fail && opts.fail({ errMsg: 'requestSubscribeMessage:fail cancel' }))
    jest.spyOn(wx, 'requestPayment').mockImplementation(opts => opts.fail && opts.fail({ errMsg: 'requestPayment:fail cancel' }))
    const redirect = jest.spyOn(wx, 'redirectTo')
    const api = mockApi(routes({ 'POST /orders': order() }))
    const { comp } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '1', quantity: '1' })
    await tap(comp, '#submit')
    expect(api.find('POST /subscriptions')).toHaveLength(0)
    expect(redirect).toHaveBeenCalledWith({ url: '/pages/orders/detail/detail?id=7' })
  })

  test('without an address it asks for one', async () => {
    const api = mockApi(routes({ 'GET /addresses': [] }))
    const { comp } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '1', quantity: '1' })
    expect(text(comp)).toContain('添加收货地址')
    await tap(comp, '#submit')
    expect(text(comp)).toContain('请先添加收货地址')
    expect(api.find('POST /orders')).toHaveLength(0)
  })
})

describe('mine', () => {
  test('shows order shortcuts with counts and opens the list on that tab', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders': page([], { pending_payment: 2, refund: 1 }, 0) })
    const { comp } = await loadPage('pages/mine/mine')
    expect(text(comp)).toContain('待付款')
    expect(text(comp)).toContain('2')
    await tap(comp, '#shortcut-pending_payment')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/orders/list/list?status=pending_payment' })
    await tap(comp, '#messages')
    await tap(comp, '#addresses')
    expect(nav.mock.calls.map(c => c[0].url)).toContain('/pages/addresses/list/list')
  })
})
