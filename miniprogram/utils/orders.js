// How orders are shown. Which buttons exist and every word on them, and the list's status tabs, come from the server.
const { yuan, shanghaiTime } = require('./format')

/**
 * The order list's status tabs as the server sends them with a page of orders (`tabs`: key, label, count; from
 * backend/shop/domain/labels.py SHOPPER_ORDER_TABS).
 * @param {{tabs?: {key: string, label: string, count: number}[]}} body
 */
function tabsOf(body) {
  return ((body && body.tabs) || []).map(tab => ({ key: tab.key, label: tab.label, count: tab.count || 0 }))
}

// The buttons are the server's: each order (and its open request) carries `buttons`, its `actions` in display order
// with their Chinese label, primary flag, the confirmation to ask first and the toast once done
// (backend/shop/domain/labels.py). Nothing here names a button.
function buttonsFor(order) {
  return (order && order.buttons) || []
}

function presentLine(line) {
  return Object.assign({}, line, {
    price_text: yuan(line.unit_price_fen),
    payable_text: yuan(line.payable_fen)
  })
}

/** Adds the *_text fields the templates show. */
function presentOrder(order) {
  return Object.assign({}, order, {
    items: (order.items || []).map(presentLine),
    total_text: yuan(order.total_fen),
    paid_text: yuan(order.paid_fen),
    refunded_text: yuan(order.refunded_fen),
    goods_text: yuan(order.goods_fen),
    shipping_text: yuan(order.shipping_fen),
    discount_text: yuan(order.discount_fen),
    created_text: shanghaiTime(order.created_at),
    pay_deadline_text: shanghaiTime(order.pay_deadline),
    buttons: buttonsFor(order)
  })
}

/** Cancel and after-sales reasons ({code, label, text_required}) come as a list or inside {reasons}. */
function reasonOptions(body) {
  const list = Array.isArray(body) ? body : (body && body.reasons) || []
  return list.map(r => ({ code: r.code, label: r.label, textRequired: !!r.text_required }))
}

module.exports = { tabsOf, buttonsFor, presentOrder, presentLine, reasonOptions }
