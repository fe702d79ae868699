// Checkout (O3/O4/O7/N1): address, coupon, balance, remark. The price breakdown (goods, freight, coupon,
// balance, payable) comes from POST /orders/quote and is asked again on every change, so the shopper sees
// what they will pay before 提交订单并支付. The order is created with an Idempotency-Key that stays the same
// across retries of the same submit; then wx.requestPayment.
const api = require('../../config/api')
const http = require('../../utils/request')
const { single, withMixin } = require('../../utils/loadable')
const { yuan } = require('../../utils/format')
const { askSubscribe, preloadTemplates } = require('../../utils/subscribe')
const { payOrder } = require('../../utils/payment')
const words = require('../../utils/words')

const SELECTED_ADDRESS_KEY = 'checkout_address_id'

function newIdempotencyKey() {
  return 'mp-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12)
}

Page(withMixin(single, {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    sku: null,
    product: null,
    quantity: 1,
    goods_text: '',
    addresses: [],
    addressIndex: -1,
    quote: null, // the server's breakdown, with *_text for display
    usableCoupons: [],
    unusableCoupons: [],
    couponOptions: [],
    couponIndex: 0,
    useBalance: false,
    quoteError: '',
    remark: '',
    formError: '',
    submitting: false
  },

  onLoad(query) {
    this.query = query
    this.couponChoice = undefined // undefined: the server picks the best; null: none; a number: that coupon
    this.setData({ quantity: Number(query.quantity) || 1 })
    return words.use(this, 'checkout')
      .then(w => this.setData({ couponOptions: [w.no_coupon] }))
      .then(() => Promise.all([this.load(), preloadTemplates()])).then(() => {})
  },

  onShow() {
    // Back from the address book: pick what was chosen or just added.
    if (this.shownOnce) return this.loadAddresses().then(() => this.requote())
    this.shownOnce = true
  },

  fetch() {
    return Promise.all([
      http.get(api.Product(this.query.product_id), null, { toast: false }),
      this.loadAddresses()
    ])
  },

  show([product]) {
    const sku = product.skus.find(s => String(s.id) === String(this.query.sku_id))
    if (!sku) return this.setData({ state: 'error', errorText: this.data.w.no_sku })
    this.setData({
      product, sku: Object.assign({}, sku, { price_text: yuan(sku.price_fen) }),
      goods_text: yuan(sku.price_fen * this.data.quantity), state: 'ready'
    })
    return this.requote()
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

  orderBody() {
    const address = this.data.addresses[this.data.addressIndex]
    return { items: [{ sku_id: this.data.sku.id, quantity: this.data.quantity }], address_id: address ? address.id : null }
  },

  /** Ask the server what this order costs now (the same body as creating it). */
  requote() {
    if (!this.data.sku || this.data.addressIndex < 0) return Promise.resolve()
    const body = Object.assign(this.orderBody(), { use_balance: this.data.useBalance })
    if (this.couponChoice !== undefined) body.coupon_id = this.couponChoice
    const asked = (this.quoteSeq = (this.quoteSeq || 0) + 1)
    return http.post(api.OrderQuote, body, { toast: false }).then(quote => {
      if (asked !== this.quoteSeq) return // an older answer arriving late
      const usable = quote.coupons.filter(c => c.usable)
      const chosen = usable.findIndex(c => c.id === quote.chosen_coupon_id)
      const w = this.data.w
      this.setData({
        quote: Object.assign({}, quote, {
          goods_text: yuan(quote.goods_fen),
          freight_text: quote.freight_fen ? yuan(quote.freight_fen) : w.free_freight,
          coupon_text: quote.coupon_discount_fen ? '-' + yuan(quote.coupon_discount_fen) : '',
          balance_text: '-' + yuan(quote.balance_fen),
          balance_available_text: yuan(quote.balance_available_fen),
          use_balance_text: words.fill(w.use_balance, { amount: yuan(quote.balance_available_fen) }),
          payable_text: yuan(quote.payable_fen)
        }),
        usableCoupons: usable,
        unusableCoupons: quote.coupons.filter(c => !c.usable),
        couponOptions: [w.no_coupon].concat(usable.map(c => words.fill(w.coupon_option, { name: c.name, amount: yuan(c.discount_fen) }))),
        usableText: words.fill(w.coupons_usable, { count: usable.length }),
        couponIndex: chosen + 1,
        quoteError: ''
      })
    }, error => {
      if (asked === this.quoteSeq) this.setData({ quoteError: error.message })
    })
  },

  onChooseAddress() {
    wx.navigateTo({ url: this.data.addresses.length ? '/pages/addresses/list/list?select=1' : '/pages/addresses/edit/edit' })
  },

  onCoupon(e) {
    const index = Number(e.detail.value)
    const coupon = this.data.usableCoupons[index - 1]
    this.couponChoice = coupon ? coupon.id : null
    this.setData({ couponIndex: index })
    this.idempotencyKey = null
    return this.requote()
  },

  onBalance(e) {
    this.setData({ useBalance: !!e.detail.value })
    this.idempotencyKey = null
    return this.requote()
  },

  onRemark(e) {
    this.setData({ remark: e.detail.value })
    this.idempotencyKey = null
  },

  async onSubmit() {
    const address = this.data.addresses[this.data.addressIndex]
    if (!address) return this.setData({ formError: this.data.w.need_address })
    this.setData({ formError: '' })
    await askSubscribe(api.SUBSCRIBE_AT.checkout)
    // Same key for every retry of this exact order, so a lost reply never creates a second order.
    if (!this.idempotencyKey) this.idempotencyKey = newIdempotencyKey()
    const quote = this.data.quote
    const body = Object.assign(this.orderBody(), {
      coupon_id: quote ? quote.chosen_coupon_id : null,
      remark: this.data.remark.trim()
    })
    if (this.data.useBalance) body.use_balance = true
    this.setData({ submitting: true })
    let order
    try {
      order = await http.post(api.Orders, body, { loading: this.data.w.submitting_order, header: { 'Idempotency-Key': this.idempotencyKey } })
    } catch (error) {
      this.setData({ submitting: false, formError: error.message })
      return this.requote()
    }
    let paid = order.status === 'paid' // the balance paid all of it
    if (!paid) {
      try {
        paid = await payOrder(order.id)
      } catch (error) {
        // the order exists; it can be paid from its detail page
      }
    }
    this.setData({ submitting: false })
    words.toast(paid ? 'paid' : 'order_unpaid', paid ? 'success' : 'none')
    wx.redirectTo({ url: '/pages/orders/detail/detail?id=' + order.id })
  }
}))
