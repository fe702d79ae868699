// Order detail (Q1): status, parcel, address, goods, amounts, refund progress, open request, timeline.
// The bottom buttons are exactly the server's `actions` for this shopper (SPEC §3); what they do is
// utils/order-actions, shared with the order-list cards.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { presentOrder } = require('../../../utils/orders')
const { orderActions, runOrderAction } = require('../../../utils/order-actions')
const { yuan, shanghaiTime } = require('../../../utils/format')
const { confirm, toast } = require('../../../utils/ui')

const REQUEST_KINDS = { cancel: '取消申请', modify: '修改申请', after_sale: '售后申请' }
const REQUEST_STATES = { pending: '待商家处理', approved: '已同意', rejected: '已拒绝', withdrawn: '已撤回' }

// Buttons on the open request, exactly its server `actions` (withdraw; answer a staff alternative).
const REQUEST_BUTTONS = [
  { action: 'accept_alternative', label: '接受方案', primary: true },
  { action: 'decline_alternative', label: '不接受' },
  { action: 'withdraw', label: '撤回申请' }
]

function presentDetail(order) {
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
    kind_text: request.kind_label || REQUEST_KINDS[request.kind] || '申请',
    status_text: request.status_label || REQUEST_STATES[request.status] || request.status,
    buttons: REQUEST_BUTTONS.filter(button => (request.actions || []).indexOf(button.action) >= 0)
  }) : null
  view.address_text = [order.province, order.city, order.district, order.address_detail].join(' ')
  const parcel = order.logistics
  const latest = parcel && parcel.events.length ? parcel.events[parcel.events.length - 1] : null
  view.parcel = parcel ? Object.assign({}, parcel, {
    latest_text: latest ? latest.label + ' ' + shanghaiTime(latest.at) : ''
  }) : null
  return view
}

Page(withMixin(Object.assign({}, single, orderActions), {
  data: {
    state: 'loading',
    errorText: '',
    order: null,
    acting: false
  },

  onLoad(query) {
    this.orderId = query.id
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
    this.setData({ order: presentDetail(order), state: 'ready' })
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
    const offer = request.alternative ? request.alternative.text : ''
    const step = {
      withdraw: {
        title: '撤回申请', content: '撤回后商家将不再处理该申请，订单按原样继续。确定撤回吗？', confirmText: '撤回',
        url: api.RequestWithdraw(request.id), done: '已撤回申请'
      },
      accept_alternative: {
        title: '接受商家方案', content: '接受后取消申请结束，订单按以下方案继续：' + offer, confirmText: '接受',
        url: api.RequestAcceptAlternative(request.id), done: '已接受方案'
      },
      decline_alternative: {
        title: '不接受方案', content: '不接受后，你的取消申请将交回商家继续处理。', confirmText: '不接受',
        url: api.RequestDeclineAlternative(request.id), done: '已告知商家'
      }
    }[e.currentTarget.dataset.action]
    if (!step || !(await confirm(step.title, step.content, step.confirmText))) return
    try {
      await http.post(step.url, {}, { loading: '正在提交' })
      toast(step.done, 'success')
    } catch (error) {
      // the toast already told the shopper why (e.g. 申请已处理)
    }
    return this.load(true)
  },

  // 发票 (R10): its state on the order page, from its own endpoint; nothing shown when there is none to ask for.
  async loadInvoice() {
    try {
      const body = await http.get(api.OrderInvoice(this.orderId), null, { toast: false })
      const asked = body.invoice ? body.invoice.status_label : ''
      this.setData({ invoice: asked || body.actions.indexOf('request_invoice') > -1 ? { label: asked || '申请发票' } : null })
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
