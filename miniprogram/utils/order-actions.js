// What each order button does, shared by the order-list cards and the order detail page. Which
// buttons exist, their words, what to ask first and what to say once done are the server's (`buttons`);
// this only carries them out.
const api = require('../config/api')
const http = require('./request')
const { payOrder } = require('./payment')
const { confirm, toast } = require('./ui')
const words = require('./words')

const PAGES = {
  cancel: id => '/pages/orders/cancel/cancel?id=' + id,
  modify: id => '/pages/orders/modify/modify?id=' + id,
  after_sale: id => '/pages/after-sales/apply/apply?order_id=' + id,
  feedback: id => '/pages/orders/feedback/feedback?id=' + id,
  view_refund: id => '/pages/orders/refund/refund?id=' + id,
  logistics: id => '/pages/orders/logistics/logistics?id=' + id
}

async function pay(order, hooks) {
  const paid = await payOrder(order.id).catch(() => null)
  if (paid === null) return
  words.toast(paid ? 'paid' : 'pay_unfinished', paid ? 'success' : 'none')
  return hooks.refresh()
}

/** The server's button for this action on this order ({label, confirm, done}); {} when it sent none. */
function buttonOf(order, action) {
  return ((order && order.buttons) || []).find(button => button.action === action) || {}
}

/** Asks the server's confirmation for the button, if it has one. */
function asked(button) {
  const question = button.confirm
  return question ? confirm(question.title, question.content, question.confirm_text) : Promise.resolve(true)
}

async function remove(order, hooks) {
  const button = buttonOf(order, 'delete')
  if (!(await asked(button))) return
  try {
    await http.del(api.Order(order.id), { loading: words.of('common').deleting || true })
  } catch (error) {
    return hooks.refresh()
  }
  if (button.done) toast(button.done, 'success')
  return hooks.removed()
}

async function confirmReceipt(order, hooks) {
  const button = buttonOf(order, 'confirm_receipt')
  if (!(await asked(button))) return
  return postReceipt(order, hooks, button.done)
}

// WeChat manages the shop's trades (W5): the shopper confirms in WeChat's own page, then the server
// asks WeChat whether they did before it completes the order. A list card has no extraData: ask for it.
async function confirmReceiptInWechat(order, hooks) {
  const extraData = order.wechat_confirm || (await http.get(api.Order(order.id)).catch(() => ({}))).wechat_confirm
  if (!extraData) return
  // openBusinessView is missing from miniprogram-api-typings, though WeChat has it since base library 2.6.0.
  const openBusinessView = /** @type {any} */ (wx).openBusinessView
  const opened = await new Promise(resolve => openBusinessView({
    businessType: 'weappOrderConfirm',
    extraData,
    success: () => resolve(true),
    fail: () => resolve(false)
  }))
  if (opened) return postReceipt(order, hooks, buttonOf(order, 'confirm_receipt_in_wechat').done)
}

async function postReceipt(order, hooks, done) {
  try {
    await http.post(api.OrderConfirmReceipt(order.id), {})
    if (done) toast(done, 'success')
  } catch (error) {
    // the toast already told the shopper why (e.g. 微信尚未确认收货)
  }
  return hooks.refresh()
}

const HANDLERS = {
  pay,
  delete: remove,
  confirm_receipt: confirmReceipt,
  confirm_receipt_in_wechat: confirmReceiptInWechat
}

/**
 * Carry out one of the order's server `actions`.
 * @param {string} action
 * @param {{id: number, buttons?: object[], wechat_confirm?: object}} order
 * @param {{refresh: () => any, removed: () => any}} hooks refresh: the order changed; removed: it was deleted
 */
function runOrderAction(action, order, hooks) {
  if (PAGES[action]) {
    wx.navigateTo({ url: PAGES[action](order.id) })
    return Promise.resolve()
  }
  return HANDLERS[action] ? Promise.resolve(HANDLERS[action](order, hooks)) : Promise.resolve()
}

/**
 * Page methods for buttons with data-action (and data-id on list cards): one action at a time, the
 * buttons disabled meanwhile (data.acting), so a double tap sends one request.
 * The page defines orderFor(id) and orderHooks().
 * @type {Record<string, Function> & ThisType<any>}
 */
const orderActions = {
  onOrderAction(e) {
    if (this.data.acting) return
    const { action, id } = e.currentTarget.dataset
    const order = this.orderFor(id)
    if (!order) return
    this.setData({ acting: true })
    const done = () => this.setData({ acting: false })
    return runOrderAction(action, order, this.orderHooks()).then(done, done)
  }
}

module.exports = { runOrderAction, orderActions, buttonOf, asked }
