// Cancel (C1): reason from the configurable list, optional text, a confirmation that says what happens
// to the money. Whether it is cancelled at once or goes to staff review is the server's decision (C2).
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan } = require('../../../utils/format')
const { confirm } = require('../../../utils/ui')
const words = require('../../../utils/words')
const { reasonOptions } = require('../../../utils/orders')

/** What happens to the money, in the server's words (group order_cancel). */
function moneyNote(order, w) {
  return order.paid_fen ? words.fill(w.money_paid, { amount: yuan(order.paid_fen) }) : w.money_unpaid
}

Page(withMixin(single, {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    order: null,
    reasons: [],
    reasonIndex: -1,
    text: '',
    moneyNote: '',
    formError: '',
    submitting: false
  },

  async onLoad(query) {
    this.orderId = query.id
    await words.use(this, 'order_cancel')
    return this.load()
  },

  fetch() {
    return Promise.all([
      http.get(api.Order(this.orderId), null, { toast: false }),
      http.get(api.CancelReasons, null, { toast: false })
    ])
  },

  show([order, reasons]) {
    this.setData({
      order: Object.assign({}, order, { total_text: yuan(order.total_fen) }),
      reasons: reasonOptions(reasons),
      moneyNote: moneyNote(order, this.data.w),
      state: order.actions.indexOf('cancel') >= 0 ? 'ready' : 'error',
      errorText: this.data.w.not_allowed
    })
  },

  onReason(e) {
    this.setData({ reasonIndex: Number(e.detail.value), formError: '' })
  },

  onText(e) {
    this.setData({ text: e.detail.value })
  },

  async onSubmit() {
    const reason = this.data.reasons[this.data.reasonIndex]
    if (!reason) {
      this.setData({ formError: this.data.w.need_reason })
      return
    }
    if (reason.textRequired && !this.data.text.trim()) {
      this.setData({ formError: this.data.w.need_text })
      return
    }
    if (!(await confirm(this.data.w.confirm_title, this.data.moneyNote, this.data.w.confirm_text))) return
    this.setData({ submitting: true })
    try {
      const order = await http.post(api.OrderCancel(this.orderId), { reason_code: reason.code, reason_text: this.data.text.trim() },
        { loading: this.data.w.submitting })
      const waiting = order.status !== 'cancelled'
      words.toast(waiting ? 'cancel_requested' : 'cancelled', waiting ? 'none' : 'success')
      wx.navigateBack({ delta: 1 })
    } catch (error) {
      this.setData({ formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  }
}))
