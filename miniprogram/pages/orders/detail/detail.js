// Order detail (Q1): status, address, goods, amounts, refund progress, open request, timeline.
// The bottom buttons are exactly the server's `actions` for this shopper (SPEC §3).
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { presentOrder } = require('../../../utils/orders')
const { yuan, shanghaiTime } = require('../../../utils/format')
const { payOrder } = require('../../../utils/payment')
const { confirm, toast } = require('../../../utils/ui')

const REQUEST_KINDS = { cancel: '取消申请', modify: '修改申请', after_sale: '售后申请' }
const REQUEST_STATES = { pending: '待商家处理', approved: '已同意', rejected: '已拒绝', withdrawn: '已撤回' }

// Buttons on the open request, exactly its server `actions` (withdraw; answer a staff alternative).
const REQUEST_BUTTONS = [
  { action: 'accept_alternative', label: '接受方案', primary: true },
  { action: 'decline_alternative', label: '不接受' },
  { action: 'withdraw', label: '撤回申请' }
]

const DELETE_WARNING = '删除后订单将从你的订单列表中移除，该订单的售后申请和评价将无法再查看或发起，且无法恢复。确定删除吗？'

function presentDetail(order) {
  const view = presentOrder(order)
  view.timeline = (order.timeline || []).slice().reverse().map(entry => Object.assign({}, entry, {
    at_text: shanghaiTime(entry.at),
    amount_text: entry.data && entry.data.amount_fen ? yuan(entry.data.amount_fen) : ''
  }))
  view.refunds = (order.refunds || []).map(refund => Object.assign({}, refund, { amount_text: yuan(refund.amount_fen) }))
  const request = order.open_request
  view.request = request ? Object.assign({}, request, {
    kind_text: request.kind_label || REQUEST_KINDS[request.kind] || '申请',
    status_text: request.status_label || REQUEST_STATES[request.status] || request.status,
    buttons: REQUEST_BUTTONS.filter(button => (request.actions || []).indexOf(button.action) >= 0)
  }) : null
  view.address_text = [order.province, order.city, order.district, order.address_detail].join(' ')
  return view
}

Page(withMixin(single, {
  data: {
    state: 'loading',
    errorText: '',
    order: null
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
  },

  onAction(e) {
    const handler = {
      pay: () => this.pay(),
      cancel: () => wx.navigateTo({ url: '/pages/orders/cancel/cancel?id=' + this.orderId }),
      modify: () => wx.navigateTo({ url: '/pages/orders/modify/modify?id=' + this.orderId }),
      delete: () => this.remove(),
      confirm_receipt: () => this.confirmReceipt(),
      confirm_receipt_in_wechat: () => this.confirmReceiptInWechat(),
      after_sale: () => wx.navigateTo({ url: '/pages/after-sales/apply/apply?order_id=' + this.orderId }),
      feedback: () => wx.navigateTo({ url: '/pages/orders/feedback/feedback?id=' + this.orderId }),
      view_refund: () => this.openRefunds()
    }[e.currentTarget.dataset.action]
    return handler ? handler() : undefined
  },

  pay() {
    return payOrder(this.orderId).then(paid => {
      toast(paid ? '支付成功' : '支付未完成，可稍后继续支付', paid ? 'success' : 'none')
      return this.load(true)
    }, () => {})
  },

  async remove() {
    const warning = (this.data.order && this.data.order.delete_warning) || DELETE_WARNING
    if (!(await confirm('删除订单', warning, '删除'))) return
    try {
      await http.del(api.Order(this.orderId), { loading: '正在删除' })
    } catch (error) {
      return this.load(true)
    }
    toast('订单已删除', 'success')
    wx.navigateBack({ delta: 1 })
  },

  async confirmReceipt() {
    if (!(await confirm('确认收货', '请确认已收到全部商品且无问题。确认后订单完成，如有问题仍可申请售后。', '确认收货'))) return
    try {
      await http.post(api.OrderConfirmReceipt(this.orderId), {})
      toast('已确认收货', 'success')
    } catch (error) {
      // the toast already told the shopper why
    }
    return this.load(true)
  },

  // WeChat manages the shop's trades (W5): the shopper confirms in WeChat's own page, then the server
  // asks WeChat whether they did before it completes the order.
  async confirmReceiptInWechat() {
    // openBusinessView is missing from miniprogram-api-typings, though WeChat has it since base library 2.6.0.
    const openBusinessView = /** @type {any} */ (wx).openBusinessView
    const opened = await new Promise(resolve => openBusinessView({
      businessType: 'weappOrderConfirm',
      extraData: this.data.order.wechat_confirm,
      success: () => resolve(true),
      fail: () => resolve(false)
    }))
    if (!opened) return
    try {
      await http.post(api.OrderConfirmReceipt(this.orderId), {})
      toast('已确认收货', 'success')
    } catch (error) {
      // the toast already told the shopper why (e.g. 微信尚未确认收货)
    }
    return this.load(true)
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

  openRefunds() {
    wx.navigateTo({ url: '/pages/orders/refund/refund?id=' + this.orderId })
  },

  openRequest() {
    const request = this.data.order && this.data.order.request
    if (request && request.after_sale_id) {
      wx.navigateTo({ url: '/pages/after-sales/detail/detail?id=' + request.after_sale_id })
    }
  },

  copyTracking() {
    wx.setClipboardData({ data: this.data.order.tracking_no })
  }
}))
