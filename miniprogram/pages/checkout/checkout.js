// Checkout (O3/O4/N1): address, coupon, remark; ask for subscribe templates; create the order with an
// Idempotency-Key that stays the same across retries of the same submit; then wx.requestPayment.
const api = require('../../config/api')
const http = require('../../utils/request')
const { single, withMixin } = require('../../utils/loadable')
const { yuan } = require('../../utils/format')
const { askSubscribe, preloadTemplates } = require('../../utils/subscribe')
const { payOrder } = require('../../utils/payment')
const { toast } = require('../../utils/ui')

const SELECTED_ADDRESS_KEY = 'checkout_address_id'

function newIdempotencyKey() {
  return 'mp-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12)
}

Page(withMixin(single, {
  data: {
    state: 'loading',
    errorText: '',
    sku: null,
    product: null,
    quantity: 1,
    goods_text: '',
    addresses: [],
    addressIndex: -1,
    coupons: [],
    couponOptions: ['不使用优惠券'],
    couponIndex: 0,
    remark: '',
    formError: '',
    submitting: false
  },

  onLoad(query) {
    this.query = query
    this.setData({ quantity: Number(query.quantity) || 1 })
    return Promise.all([this.load(), preloadTemplates()]).then(() => {})
  },

  onShow() {
    // Back from the address book: pick what was chosen or just added.
    if (this.shownOnce) return this.loadAddresses()
    this.shownOnce = true
  },

  fetch() {
    return Promise.all([
      http.get(api.Product(this.query.product_id), null, { toast: false }),
      http.get(api.Coupons, null, { toast: false }),
      this.loadAddresses()
    ])
  },

  show([product, coupons]) {
    const sku = product.skus.find(s => String(s.id) === String(this.query.sku_id))
    if (!sku) return this.setData({ state: 'error', errorText: '商品规格不存在' })
    const goods = sku.price_fen * this.data.quantity
    const usable = coupons.filter(c => c.threshold_fen <= goods && ['used', 'expired'].indexOf(c.status) < 0)
    this.setData({
      product, sku: Object.assign({}, sku, { price_text: yuan(sku.price_fen) }), goods_text: yuan(goods), coupons: usable,
      couponOptions: ['不使用优惠券'].concat(usable.map(c => c.name + '（减 ' + yuan(c.discount_fen) + '）')),
      state: 'ready'
    })
  },

  loadAddresses() {
    return http.get(api.Addresses, null, { toast: false }).then(addresses => {
      const chosen = wx.getStorageSync(SELECTED_ADDRESS_KEY)
      wx.removeStorageSync(SELECTED_ADDRESS_KEY)
      let index = addresses.findIndex(a => a.id === chosen)
      if (index < 0) index = addresses.findIndex(a => this.data.addressIndex >= 0 && a.id === (this.data.addresses[this.data.addressIndex] || {}).id)
      if (index < 0) index = addresses.findIndex(a => a.is_default)
      if (index < 0) index = addresses.length ? 0 : -1
      this.setData({ addresses, addressIndex: index })
      this.idempotencyKey = null
    })
  },

  onChooseAddress() {
    wx.navigateTo({ url: this.data.addresses.length ? '/pages/addresses/list/list?select=1' : '/pages/addresses/edit/edit' })
  },

  onCoupon(e) {
    this.setData({ couponIndex: Number(e.detail.value) })
    this.idempotencyKey = null
  },

  onRemark(e) {
    this.setData({ remark: e.detail.value })
    this.idempotencyKey = null
  },

  async onSubmit() {
    const address = this.data.addresses[this.data.addressIndex]
    if (!address) return this.setData({ formError: '请先添加收货地址' })
    this.setData({ formError: '' })
    await askSubscribe(api.SUBSCRIBE_AT.checkout)
    // Same key for every retry of this exact order, so a lost reply never creates a second order.
    if (!this.idempotencyKey) this.idempotencyKey = newIdempotencyKey()
    const coupon = this.data.coupons[this.data.couponIndex - 1]
    this.setData({ submitting: true })
    let order
    try {
      order = await http.post(api.Orders, {
        items: [{ sku_id: this.data.sku.id, quantity: this.data.quantity }],
        address_id: address.id,
        coupon_id: coupon ? coupon.id : null,
        remark: this.data.remark.trim()
      }, { loading: '正在提交订单', header: { 'Idempotency-Key': this.idempotencyKey } })
    } catch (error) {
      this.setData({ submitting: false, formError: error.message })
      return
    }
    let paid = false
    try {
      paid = await payOrder(order.id)
    } catch (error) {
      // the order exists; it can be paid from its detail page
    }
    this.setData({ submitting: false })
    toast(paid ? '支付成功' : '订单已提交，请在 30 分钟内完成支付', paid ? 'success' : 'none')
    wx.redirectTo({ url: '/pages/orders/detail/detail?id=' + order.id })
  }
}))
