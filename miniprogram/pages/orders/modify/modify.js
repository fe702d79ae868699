// Modify (M1–M3): only what the server's `modifiable` allows is editable; prices and promotions never are.
// Address and phone are checked here for quick feedback and again by the API, whose messages are shown.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan } = require('../../../utils/format')
const words = require('../../../utils/words')
const { validateReceiver } = require('../../../utils/validate')

const ADDRESS_FIELDS = ['province', 'city', 'district', 'address_detail']

/** The server's `modifiable`: {allowed, fields, quantities, increase_quantity, needs_review, hint} (M1). */
function allowedFrom(modifiable) {
  const m = modifiable || {}
  const fields = m.fields || []
  const has = name => fields.indexOf(name) >= 0
  return {
    receiver_name: has('receiver_name'),
    receiver_phone: has('receiver_phone'),
    address: ADDRESS_FIELDS.some(has),
    remark: has('remark'),
    lines: !!m.quantities,
    increase: !!m.increase_quantity,
    any: !!m.allowed,
    needsReview: !!m.needs_review,
    hint: m.hint || ''
  }
}

Page(withMixin(single, {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    order: null,
    allowed: allowedFrom({}),
    form: { receiver_name: '', receiver_phone: '', region: [], address_detail: '', remark: '' },
    lines: [],
    errors: {},
    submitting: false
  },

  async onLoad(query) {
    this.orderId = query.id
    await words.use(this, 'order_modify')
    return this.load()
  },

  fetch() {
    return http.get(api.Order(this.orderId), null, { toast: false })
  },

  show(order) {
    const allowed = allowedFrom(order.modifiable)
    this.original = order
    this.setData({
      order,
      allowed,
      form: {
        receiver_name: order.receiver_name,
        receiver_phone: order.receiver_phone,
        region: [order.province, order.city, order.district],
        address_detail: order.address_detail,
        remark: order.remark || ''
      },
      lines: order.items.map(line => ({
        line_id: line.id, name: line.product_name, sku_name: line.sku_name, quantity: line.quantity,
        original: line.quantity, price_text: yuan(line.unit_price_fen)
      })),
      state: allowed.any && order.actions.indexOf('modify') >= 0 ? 'ready' : 'error',
      errorText: allowed.hint || this.data.w.not_allowed
    })
  },

  onInput(e) {
    const field = e.currentTarget.dataset.field
    this.setData({ ['form.' + field]: e.detail.value, ['errors.' + field]: '' })
  },

  onRegion(e) {
    this.setData({ 'form.region': e.detail.value, 'errors.region': '' })
  },

  onQuantity(e) {
    const index = Number(e.currentTarget.dataset.index)
    const line = this.data.lines[index]
    const quantity = line.quantity + Number(e.currentTarget.dataset.step)
    if (quantity < 1 || quantity > 999) return
    if (quantity > line.original && !this.data.allowed.increase) {
      this.setData({ 'errors.lines': this.data.w.no_more_lines })
      return
    }
    this.setData({ ['lines[' + index + '].quantity']: quantity, 'errors.lines': '' })
  },

  /** Only what changed and is allowed, in the PATCH /orders/<id> shape. */
  changes() {
    const { form, allowed, lines } = this.data
    const o = this.original
    const changes = {}
    if (allowed.receiver_name && form.receiver_name.trim() !== o.receiver_name) changes.receiver_name = form.receiver_name.trim()
    if (allowed.receiver_phone && form.receiver_phone.trim() !== o.receiver_phone) changes.receiver_phone = form.receiver_phone.trim()
    if (allowed.address) {
      const [province, city, district] = form.region
      if (province !== o.province || city !== o.city || district !== o.district || form.address_detail.trim() !== o.address_detail) {
        Object.assign(changes, { province, city, district, address_detail: form.address_detail.trim() })
      }
    }
    if (allowed.remark && form.remark.trim() !== (o.remark || '')) changes.remark = form.remark.trim()
    if (allowed.lines) {
      const changed = lines.filter(line => line.quantity !== line.original)
      if (changed.length) changes.lines = changed.map(line => ({ line_id: line.line_id, quantity: line.quantity }))
    }
    return changes
  },

  async onSubmit() {
    const { form } = this.data
    const errors = validateReceiver({
      receiver: form.receiver_name, phone: form.receiver_phone, region: form.region, detail: form.address_detail
    })
    if (Object.keys(errors).length) {
      this.setData({ errors: { receiver_name: errors.receiver, receiver_phone: errors.phone, region: errors.region, address_detail: errors.detail } })
      return
    }
    const changes = this.changes()
    if (!Object.keys(changes).length) {
      words.toast('modify_nothing')
      return
    }
    this.setData({ submitting: true })
    try {
      const order = await http.patch(api.Order(this.orderId), changes, { loading: this.data.w.submitting })
      const pending = order.open_request && order.open_request.kind === 'modify' && order.open_request.status === 'pending'
      words.toast(pending ? 'modify_requested' : 'modified', pending ? 'none' : 'success')
      wx.navigateBack({ delta: 1 })
    } catch (error) {
      const details = error.details || {}
      const errors = {}
      Object.keys(details).forEach(key => {
        const target = ADDRESS_FIELDS.indexOf(key) >= 0 && key !== 'address_detail' ? 'region' : key
        errors[target] = [].concat(details[key]).join('；')
      })
      this.setData({ errors: Object.assign(errors, { form: error.message }) })
    } finally {
      this.setData({ submitting: false })
    }
  }
}))
