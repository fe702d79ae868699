// Refund progress (R7): each refund's state, amount, route and when the money is expected.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiTime } = require('../../../utils/format')
const words = require('../../../utils/words')

const DONE = ['succeeded']
const FAILED = ['failed', 'abnormal']

/** Three steps: submitted → processing → arrived (or a failure the merchant is handling). */
function stepsFor(refund, w) {
  const done = DONE.indexOf(refund.status) >= 0
  const failed = FAILED.indexOf(refund.status) >= 0
  return [
    { title: w.step_submitted, time: shanghaiTime(refund.created_at), reached: true },
    { title: failed ? w.step_failed : w.step_processing, time: '', reached: true, warn: failed },
    { title: done ? w.step_arrived : w.step_expected, time: done ? shanghaiTime(refund.succeeded_at) : refund.expected_arrival, reached: done }
  ]
}

function presentRefund(refund, w) {
  return Object.assign({}, refund, { amount_text: yuan(refund.amount_fen), steps: stepsFor(refund, w) })
}

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', order: null, refunds: [], refunded_text: '' },

  async onLoad(query) {
    this.orderId = query.id
    await words.use(this, 'order_refund')
    return this.load()
  },

  fetch(quiet) {
    return http.get(api.Order(this.orderId), null, { toast: quiet })
  },

  show(order) {
    const refunds = (order.refunds || []).slice().reverse().map(refund => presentRefund(refund, this.data.w))
    this.setData({ order, refunds, refunded_text: yuan(order.refunded_fen), state: refunds.length ? 'ready' : 'empty' })
  }
}))
