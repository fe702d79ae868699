// Order detail (Q1): status, parcel, address, goods, amounts, refund progress, open request, timeline.
// The bottom buttons are exactly the server's `actions` for this shopper (SPEC §3); what they do is
// utils/order-actions, shared with the order-list cards.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { buttonsFor, presentOrder } = require('../../../utils/orders')
const { asked, buttonOf, orderActions, runOrderAction } = require('../../../utils/order-actions')
const { yuan, shanghaiTime } = require('../../../utils/format')
const { toast } = require('../../../utils/ui')
const words = require('../../../utils/words')

function presentDetail(order, w) {
  const view = presentOrder(order)
  view.timeline = (order.timeline || []).slice().reverse().map(entry => Object.assign({}, entry, {
    at_text: shanghaiTime(entry.at),
    amount_text: entry.data && entry.data.amount_fen ? yuan(entry.data.amount_fen) : ''
  }))
  view.refunds = (order.refunds || []).map(refund => Object.assign({}, refund, { amount_text: yuan(refund.amount_fen) }))
  // R9: how it was paid (余额支付 / 微信支付) and how much went back to each.
  view.payment_split = (order.payment_split || []).map(part => Object.assign({}, part, {
    paid_text: yuan(part.paid_fen), refunded_text: yuan(part.refunded_fen)
  }))
  const request = order.open_request
  view.request = request ? Object.assign({}, request, {
    kind_text: request.kind_label,
    status_text: request.status_label,
    buttons: buttonsFor(request) // the server's, with their words (withdraw; answer a staff alternative)
  }) : null
  view.address_text = [order.province, order.city, order.district, order.address_detail].join(' ')
  view.pay_before_text = words.fill(w.pay_before, { deadline: view.pay_deadline_text })
  view.message_title = words.fill(w.message_title, { order_no: order.order_no })
  view.items = view.items.map(line => Object.assign(line, { refunded_text: words.fill(w.refunded_quantity, { count: line.refunded_quantity }) }))
  const parcel = order.logistics
  const latest = parcel && parcel.events.length ? parcel.events[parcel.events.length - 1] : null
  view.parcel = parcel ? Object.assign({}, parcel, {
    latest_text: latest ? latest.label + ' ' + shanghaiTime(latest.at) : ''
  }) : null
  return view
}

Page(withMixin(Object.assign({}, single, orderActions), {
  data: {
    w: {},
    state: 'loading',
    errorText: '',
    order: null,
    acting: false
  },

  async onLoad(query) {
    this.orderId = query.id
    await words.use(this, 'order_detail')
    return this.load()
  },

  onShow() {
    // Back from cancel / modify / after-sales: the order has changed.
    if (this.shownOnce) return this.load(true)
    this.shownOnce = true
  },

  fetch(quiet) {
    return http.get(api.Order(this.orderId), null, { toast: quiet })
  },

  show(order) {
    this.setData({ order: presentDetail(order, this.data.w), state: 'ready' })
    this.loadInvoice()
  },

  orderFor() {
    return this.data.order
  },

  orderHooks() {
    return {
      refresh: () => this.load(true),
      removed: () => wx.navigateBack({ delta: 1 })
    }
  },

  // Each step asks first and says what follows; the server decides whether it is still possible.
  async onRequestAction(e) {
    const request = this.data.order.request
    const action = e.currentTarget.dataset.action
    const url = {
      withdraw: api.RequestWithdraw,
      accept_alternative: api.RequestAcceptAlternative,
      decline_alternative: api.RequestDeclineAlternative
    }[action]
    const button = buttonOf(request, action) // what to ask and to say: the server's words
    if (!url || !(await asked(button))) return
    try {
      await http.post(url(request.id), {}, { loading: this.data.w.submitting })
      if (button.done) toast(button.done, 'success')
    } catch (error) {
      // the toast already told the shopper why (e.g. 申请已处理)
    }
    return this.load(true)
  },

  // 发票 (R10): its state on the order page, from its own endpoint; nothing shown when there is none to ask for.
  async loadInvoice() {
    try {
      const body = await http.get(api.OrderInvoice(this.orderId), null, { toast: false })
      const status = body.invoice ? body.invoice.status_label : ''
      const ask = buttonOf(body, 'request_invoice').label // the server's word for the button
      this.setData({ invoice: status || ask ? { label: status || ask } : null })
    } catch (error) {
      this.setData({ invoice: null })
    }
  },

  openInvoice() {
    wx.navigateTo({ url: '/pages/invoice/invoice?id=' + this.orderId })
  },

  openRefunds() {
    return runOrderAction('view_refund', this.data.order, this.orderHooks())
  },

  openLogistics() {
    return runOrderAction('logistics', this.data.order, this.orderHooks())
  },

  openRequest() {
    const request = this.data.order && this.data.order.request
    if (request && request.after_sale_id) {
      wx.navigateTo({ url: '/pages/after-sales/detail/detail?id=' + request.after_sale_id })
    }
  },

  copyTracking() {
    wx.setClipboardData({ data: this.data.order.parcel.tracking_no })
  }
}))
