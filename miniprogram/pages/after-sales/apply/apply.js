// After-sales application (A1/A2): type, lines and quantities, reason, photos. Asks for the
// after-sales subscribe templates first (N1), from the tap, as WeChat requires. The types this order may have (with
// their words and hints) and the reasons are the server's (/orders/<id>/after-sale-options), as are the page's
// words (utils/words, group after_sale_apply).
const api = require('../../../config/api')
const http = require('../../../utils/request')
const words = require('../../../utils/words')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan } = require('../../../utils/format')
const { reasonOptions } = require('../../../utils/orders')
const { askSubscribe, preloadTemplates } = require('../../../utils/subscribe')

const MAX_PHOTOS = 6

Page(withMixin(single, {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    order: null,
    types: [],
    typesNote: '',
    type: '',
    typeHint: '',
    lines: [],
    reasons: [],
    reasonIndex: -1,
    text: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    photosText: '',
    formError: '',
    submitting: false
  },

  async onLoad(query) {
    this.orderId = query.order_id
    const w = await words.use(this, 'after_sale_apply')
    this.setData({ photosText: words.fill(w.photos, { count: MAX_PHOTOS }) })
    return Promise.all([this.load(), preloadTemplates()]).then(() => {})
  },

  fetch() {
    return Promise.all([
      http.get(api.Order(this.orderId), null, { toast: false }),
      http.get(api.OrderAfterSaleOptions(this.orderId), null, { toast: false })
    ])
  },

  show([order, options]) {
    const w = this.data.w
    const lines = order.items
      .map(line => ({
        line_id: line.id, name: line.product_name, sku_name: line.sku_name, image: line.image,
        price_text: yuan(line.unit_price_fen), max: line.quantity - (line.refunded_quantity || 0),
        quantity: line.quantity - (line.refunded_quantity || 0), selected: false
      }))
      .filter(line => line.max > 0)
      .map(line => Object.assign(line, { max_text: words.fill(w.max, { count: line.max }) }))
    const types = (options && options.types) || []
    const open = order.actions.indexOf('after_sale') >= 0 && lines.length > 0 && types.length > 0
    this.setData({
      types, typesNote: (options && options.note) || '',
      order, lines, reasons: reasonOptions(options),
      state: open ? 'ready' : 'error',
      errorText: (!types.length && options && options.note) || w.not_allowed
    })
  },

  onType(e) {
    const code = e.currentTarget.dataset.code
    const chosen = this.data.types.find(t => t.code === code)
    this.setData({ type: code, typeHint: (chosen && chosen.hint) || '', formError: '' })
  },

  onToggleLine(e) {
    const index = Number(e.currentTarget.dataset.index)
    this.setData({ ['lines[' + index + '].selected']: !this.data.lines[index].selected, formError: '' })
  },

  onQuantity(e) {
    const index = Number(e.currentTarget.dataset.index)
    const line = this.data.lines[index]
    const quantity = line.quantity + Number(e.currentTarget.dataset.step)
    if (quantity < 1 || quantity > line.max) return
    this.setData({ ['lines[' + index + '].quantity']: quantity })
  },

  onReason(e) {
    this.setData({ reasonIndex: Number(e.detail.value), formError: '' })
  },

  onText(e) {
    this.setData({ text: e.detail.value })
  },

  onAddPhoto() {
    const room = MAX_PHOTOS - this.data.photos.length
    if (room <= 0) return
    wx.chooseMedia({
      count: room,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      success: res => this.setData({ photos: this.data.photos.concat(res.tempFiles.map(f => f.tempFilePath)).slice(0, MAX_PHOTOS) })
    })
  },

  onRemovePhoto(e) {
    const photos = this.data.photos.slice()
    photos.splice(Number(e.currentTarget.dataset.index), 1)
    this.setData({ photos })
  },

  onPreview(e) {
    wx.previewImage({ urls: this.data.photos, current: e.currentTarget.dataset.url })
  },

  /** The API takes photo URLs, so local photos are uploaded first. */
  async uploadPhotos() {
    if (!this.data.photos.length) return []
    wx.showLoading({ title: this.data.w.uploading, mask: true })
    try {
      return await Promise.all(this.data.photos.map(path => http.upload(api.Uploads, path)))
    } catch (error) {
      throw new Error(words.fill(this.data.w.upload_failed, { message: error.message }))
    } finally {
      wx.hideLoading()
    }
  },

  validate() {
    const w = this.data.w
    if (!this.data.type) return w.need_type
    if (!this.data.lines.some(line => line.selected)) return w.need_goods
    if (this.data.reasonIndex < 0) return w.need_reason
    return ''
  },

  async onSubmit() {
    const problem = this.validate()
    if (problem) {
      this.setData({ formError: problem })
      return
    }
    await askSubscribe(api.SUBSCRIBE_AT.afterSale)
    this.setData({ submitting: true })
    try {
      const photos = await this.uploadPhotos()
      const created = await http.post(api.OrderAfterSales(this.orderId), {
        type: this.data.type,
        reason_code: this.data.reasons[this.data.reasonIndex].code,
        reason_text: this.data.text.trim(),
        lines: this.data.lines.filter(line => line.selected).map(line => ({ line_id: line.line_id, quantity: line.quantity })),
        photos
      }, { loading: this.data.w.submitting })
      wx.redirectTo({ url: '/pages/after-sales/detail/detail?id=' + created.id })
    } catch (error) {
      this.setData({ formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  }
}))
