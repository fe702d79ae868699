// After-sales application (A1/A2): type, lines and quantities, reason, photos. Asks for the
// after-sales subscribe templates first (N1), from the tap, as WeChat requires.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan } = require('../../../utils/format')
const { reasonOptions } = require('../../../utils/orders')
const { askSubscribe, preloadTemplates } = require('../../../utils/subscribe')

const TYPES = [
  { code: 'refund_only', label: '仅退款', hint: '未收到货，或与商家协商一致不用退货' },
  { code: 'return_refund', label: '退货退款', hint: '已收到货，需要退回商品' },
  { code: 'exchange', label: '换货', hint: '商品有问题，换一件同款' },
  { code: 'repair', label: '维修', hint: '商品需要维修' }
]
const MAX_PHOTOS = 6

Page(withMixin(single, {
  data: {
    state: 'loading',
    errorText: '',
    order: null,
    types: TYPES,
    type: '',
    typeHint: '',
    lines: [],
    reasons: [],
    reasonIndex: -1,
    text: '',
    photos: [],
    maxPhotos: MAX_PHOTOS,
    formError: '',
    submitting: false
  },

  onLoad(query) {
    this.orderId = query.order_id
    return Promise.all([this.load(), preloadTemplates()]).then(() => {})
  },

  fetch() {
    return Promise.all([
      http.get(api.Order(this.orderId), null, { toast: false }),
      http.get(api.AfterSaleReasons, null, { toast: false })
    ])
  },

  show([order, reasons]) {
    const lines = order.items
      .map(line => ({
        line_id: line.id, name: line.product_name, sku_name: line.sku_name, image: line.image,
        price_text: yuan(line.unit_price_fen), max: line.quantity - (line.refunded_quantity || 0),
        quantity: line.quantity - (line.refunded_quantity || 0), selected: false
      }))
      .filter(line => line.max > 0)
    const serverTypes = (reasons && reasons.types) || []
    this.setData({
      types: serverTypes.length ? serverTypes.map(t => Object.assign({}, TYPES.find(k => k.code === t.code), t)) : TYPES,
      order, lines, reasons: reasonOptions(reasons),
      state: order.actions.indexOf('after_sale') >= 0 && lines.length ? 'ready' : 'error',
      errorText: '该订单当前不可申请售后'
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
    wx.showLoading({ title: '正在上传图片', mask: true })
    try {
      return await Promise.all(this.data.photos.map(path => http.upload(api.Uploads, path)))
    } catch (error) {
      throw new Error('凭证图片上传失败：' + error.message)
    } finally {
      wx.hideLoading()
    }
  },

  validate() {
    if (!this.data.type) return '请选择售后类型'
    if (!this.data.lines.some(line => line.selected)) return '请选择要售后的商品'
    if (this.data.reasonIndex < 0) return '请选择售后原因'
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
      }, { loading: '正在提交' })
      wx.redirectTo({ url: '/pages/after-sales/detail/detail?id=' + created.id })
    } catch (error) {
      this.setData({ formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  }
}))
