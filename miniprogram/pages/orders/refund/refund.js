// Refund progress (R7): each refund's state, amount, route and when the money is expected.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiTime } = require('../../../utils/format')

const DONE = ['succeeded']
const FAILED = ['failed', 'abnormal']

/** Three steps: submitted → processing → arrived (or a failure the merchant is handling). */
function stepsFor(refund) {
  const done = DONE.indexOf(refund.status) >= 0
  const failed = FAILED.indexOf(refund.status) >= 0
  return [
    { title: '退款申请已提交', time: shanghaiTime(refund.created_at), reached: true },
    { title: failed ? '退款遇到问题，商家正在处理' : '微信支付处理中', time: '', reached: true, warn: failed },
    { title: done ? '退款已到账' : '预计到账', time: done ? shanghaiTime(refund.succeeded_at) : refund.expected_arrival, reached: done }
  ]
}

function presentRefund(refund) {
  return Object.assign({}, refund, { amount_text: yuan(refund.amount_fen), steps: stepsFor(refund) })
}

Page(withMixin(single, {
  data: { state: 'loading', errorText: '', order: null, refunds: [], refunded_text: '' },

  onLoad(query) {
    this.orderId = query.id
    return this.load()
  },

  fetch(quiet) {
    return http.get(api.Order(this.orderId), null, { toast: quiet })
  },

  show(order) {
    const refunds = (order.refunds || []).slice().reverse().map(presentRefund)
    this.setData({ order, refunds, refunded_text: yuan(order.refunded_fen), state: refunds.length ? 'ready' : 'empty' })
  }
}))
