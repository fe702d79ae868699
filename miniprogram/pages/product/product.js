// Product detail: choose a SKU and a quantity, then buy (goes to checkout).
const api = require('../../config/api')
const http = require('../../utils/request')
const { single, withMixin } = require('../../utils/loadable')
const { yuan } = require('../../utils/format')
const words = require('../../utils/words')

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', product: null, skuIndex: -1, quantity: 1, price_text: '', stock_text: '' },

  async onLoad(query) {
    this.productId = query.id
    await words.use(this, 'product')
    return this.load()
  },

  fetch() {
    return http.get(api.Product(this.productId), null, { toast: false })
  },

  show(product) {
    const skus = product.skus.map(s => Object.assign({}, s, { price_text: yuan(s.price_fen) }))
    const first = skus.findIndex(s => s.stock > 0)
    this.setData({ product: Object.assign({}, product, { skus }), state: 'ready' })
    if (first >= 0) this.chooseSku(first)
    else this.setData({ price_text: yuan(product.min_price_fen) })
  },

  chooseSku(index) {
    const sku = this.data.product.skus[index]
    this.setData({
      skuIndex: index, quantity: Math.min(this.data.quantity, sku.stock) || 1, price_text: sku.price_text,
      stock_text: words.fill(this.data.w.stock, { stock: sku.stock })
    })
  },

  onSku(e) {
    const index = Number(e.currentTarget.dataset.index)
    if (this.data.product.skus[index].stock > 0) this.chooseSku(index)
  },

  onQuantity(e) {
    const sku = this.data.product.skus[this.data.skuIndex]
    const quantity = this.data.quantity + Number(e.currentTarget.dataset.step)
    if (!sku || quantity < 1) return
    if (quantity > sku.stock) return words.toast('stock_left', 'none', { stock: sku.stock })
    this.setData({ quantity })
  },

  onBuy() {
    const sku = this.data.product.skus[this.data.skuIndex]
    if (!sku) return words.toast('choose_sku')
    wx.navigateTo({
      url: '/pages/checkout/checkout?product_id=' + this.productId + '&sku_id=' + sku.id + '&quantity=' + this.data.quantity
    })
  }
}))
