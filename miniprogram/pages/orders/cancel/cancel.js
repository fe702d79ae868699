// Cancel (C1): reason from the configurable list, optional text, a confirmation that says what happens
// to the money. Whether it is cancelled at once or goes to staff review is the server's decision (C2).
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan } = require('../../../utils/format')
const { confirm } = require('../../../utils/ui')
const words = require('../../../utils/words')
const { reasonOptions } = require('../../../utils/orders')

/** What happens to the money, in the shopper's words. */
function moneyNote(order) {
  if (!order.paid_fen) return '订单尚未付款，取消后不会产生任何费用；使用的优惠券按规则退回。'
  return '已付款 ' + yuan(order.paid_fen) + '。取消成功后将原路退回微信支付，预计 1–3 个工作日到账；' +
    '若付款已超过免审时间或商家已开始备货，需要商家审核，审核通过后退款。'
}

Page(withMixin(single, {
  data: {
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

  onLoad(query) {
    this.orderId = query.id
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
      moneyNote: moneyNote(order),
      state: order.actions.indexOf('cancel') >= 0 ? 'ready' : 'error',
      errorText: '该订单当前不可取消'
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
      this.setData({ formError: '请选择取消原因' })
      return
    }
    if (reason.textRequired && !this.data.text.trim()) {
      this.setData({ formError: '请填写具体原因' })
      return
    }
    if (!(await confirm('确定取消订单？', this.data.moneyNote, '确定取消'))) return
    this.setData({ submitting: true })
    try {
      const order = await http.post(api.OrderCancel(this.orderId), { reason_code: reason.code, reason_text: this.data.text.trim() },
        { loading: '正在提交' })
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
