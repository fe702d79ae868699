// O7 in the mini-program: 领券, 我的优惠券, and the checkout's full price breakdown from POST /orders/quote.
const { loadPage, tap, text, settle } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')
const { order } = require('../support/fixtures')

const PRODUCT = {
  id: 1, name: '蓝牙耳机', image: '/static/products/1.png', min_price_fen: 19900, category: { id: 1, name: '数码配件' },
  skus: [{ id: 3, name: '白色', price_fen: 19900, stock: 10 }]
}
const ADDRESS = { id: 5, receiver: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路 1 号', is_default: true }
const COUPONS = [
  { id: 21, name: '店庆9折', discount_fen: 1990, usable: true, reason_unusable: null },
  { id: 22, name: '满20减3', discount_fen: 300, usable: true, reason_unusable: null },
  { id: 23, name: '食品9折', discount_fen: 0, usable: false, reason_unusable: '订单中没有适用此券的商品' }
]

/** What the server would answer for this body: best coupon when none is named, balance when asked. */
function quoteFor(req) {
  const chosen = 'coupon_id' in req.data ? req.data.coupon_id : 21
  const discount = chosen ? COUPONS.find(c => c.id === chosen).discount_fen : 0
  const balance = req.data.use_balance ? 3000 : 0
  return {
    goods_fen: 19900, freight_fen: 0, coupon_discount_fen: discount, balance_fen: balance,
    payable_fen: 19900 - discount - balance, coupons: COUPONS, chosen_coupon_id: chosen, balance_available_fen: 3000
  }
}

describe('checkout price breakdown', () => {
  const routes = extra => Object.assign({
    'GET /products/1': PRODUCT,
    'GET /addresses': [ADDRESS],
    'POST /orders/quote': quoteFor,
    'POST /subscriptions': { ok: true },
    'POST /orders/7/pay': { out_trade_no: 'T1', amount_fen: 14910, pay_params: { package: 'prepay_id=1' } }
  }, extra)

  test('shows goods, freight, the best coupon, the balance switch and the payable before submitting', async () => {
    const api = mockApi(routes())
    const { comp, page } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '3', quantity: '1' })
    const quote = api.find('POST /orders/quote')[0]
    expect(quote.data).toEqual({ items: [{ sku_id: 3, quantity: 1 }], address_id: 5, use_balance: false })
    expect(text(comp.querySelector('#line-goods'))).toContain('¥199.00')
    expect(text(comp.querySelector('#line-freight'))).toContain('免运费')
    expect(text(comp.querySelector('#line-coupon'))).toContain('-¥19.90')
    expect(page.data.couponOptions).toEqual(['不使用优惠券', '店庆9折（减 ¥19.90）', '满20减3（减 ¥3.00）'])
    expect(page.data.couponIndex).toBe(1)
    expect(text(comp)).toContain('食品9折：订单中没有适用此券的商品')
    expect(text(comp.querySelector('#line-balance'))).toContain('可用 ¥30.00')
    expect(text(comp.querySelector('#line-payable'))).toContain('¥179.10')
    expect(text(comp.querySelector('#payable'))).toContain('¥179.10')
  })

  test('another coupon, no coupon and the balance switch each ask again; the order is placed as quoted', async () => {
    const api = mockApi(routes({ 'POST /orders': order({ id: 7, status: 'pending_payment' }) }))
    const { comp, page } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '3', quantity: '1' })
    await page.onCoupon({ detail: { value: '2' } })
    expect(api.find('POST /orders/quote').pop().data.coupon_id).toBe(22)
    expect(text(comp.querySelector('#line-payable'))).toContain('¥196.00')
    await page.onCoupon({ detail: { value: '0' } })
    expect(api.find('POST /orders/quote').pop().data.coupon_id).toBe(null)
    expect(text(comp.querySelector('#line-payable'))).toContain('¥199.00')
    await page.onCoupon({ detail: { value: '1' } })
    await page.onBalance({ detail: { value: true } })
    expect(api.find('POST /orders/quote').pop().data).toMatchObject({ coupon_id: 21, use_balance: true })
    expect(text(comp.querySelector('#line-balance'))).toContain('-¥30.00')
    expect(text(comp.querySelector('#line-payable'))).toContain('¥149.10')
    await tap(comp, '#submit')
    expect(api.find('POST /orders')[0].data).toEqual({
      items: [{ sku_id: 3, quantity: 1 }], address_id: 5, coupon_id: 21, remark: '', use_balance: true
    })
  })

  test('a quote the server refuses is shown, not hidden', async () => {
    mockApi(routes({ 'POST /orders/quote': apiError(409, 'PRODUCT_UNAVAILABLE', '「蓝牙耳机」已下架') }))
    const { comp } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '3', quantity: '1' })
    expect(text(comp)).toContain('「蓝牙耳机」已下架')
  })
})

describe('领券', () => {
  const OFFERS = [
    { id: 1, name: '全场9折券', kind: 'percent', rule_text: '满50打9折（最高减30元）', discount_fen: 0, valid_days: 30, valid_until: null, remaining: 999, can_claim: true, reason: null, description: '' },
    { id: 2, name: '满99减10', kind: 'amount', rule_text: '满99减10', discount_fen: 1000, valid_days: null, valid_until: '2026-12-31T23:59:59+08:00', remaining: null, can_claim: false, reason: '每人限领1张，您已领过', description: '' }
  ]

  test('claims a coupon and the list refreshes; a coupon that cannot be claimed shows why', async () => {
    let claimed = false
    const api = mockApi({
      'GET /coupons/claimable': () => (claimed ? [Object.assign({}, OFFERS[0], { can_claim: false, reason: '每人限领1张，您已领过' }), OFFERS[1]] : OFFERS),
      'POST /coupons/1/claim': () => { claimed = true; return { __status: 201, body: { id: 50, status: 'available' } } }
    })
    const { comp } = await loadPage('pages/coupons/claim/claim')
    expect(text(comp)).toContain('9折')
    expect(text(comp)).toContain('领取后 30 天内有效')
    expect(text(comp)).toContain('每人限领1张，您已领过')
    expect(comp.querySelector('#claim-2')).toBeFalsy()
    await tap(comp, '#claim-1')
    expect(api.find('POST /coupons/1/claim')).toHaveLength(1)
    expect(comp.querySelector('#claim-1')).toBeFalsy()
  })
})

describe('我的优惠券', () => {
  test('tabs ask the server for available, used and expired coupons', async () => {
    const api = mockApi({
      'GET /coupons': req => (req.data.status === 'available'
        ? [{ id: 50, name: '满99减10', kind: 'amount', rule_text: '满99减10', discount_fen: 1000, valid_until: '2026-12-31T15:59:59+00:00', status: 'available', status_label: '可使用' }]
        : [])
    })
    const { comp } = await loadPage('pages/coupons/mine/mine')
    expect(text(comp)).toContain('满99减10')
    expect(text(comp)).toContain('2026-12-31 前有效')
    await tap(comp, '#tab-used')
    await settle()
    expect(api.find('GET /coupons').pop().data).toEqual({ status: 'used' })
    expect(text(comp)).toContain('这里还没有优惠券')
  })

  test('我的 links to both pages', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    mockApi({ 'GET /orders': { items: [], total: 0, counts: {} } })
    const { comp } = await loadPage('pages/mine/mine')
    await tap(comp, '#coupons')
    await tap(comp, '#claim-coupons')
    expect(nav.mock.calls.map(c => c[0].url)).toEqual(['/pages/coupons/mine/mine', '/pages/coupons/claim/claim'])
  })
})
