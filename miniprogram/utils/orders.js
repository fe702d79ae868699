// How orders are shown: tabs, labels, buttons. Which buttons exist comes from the server's `actions`.
const { yuan, shanghaiTime } = require('./format')

const TABS = [
  { key: 'all', label: '全部' },
  { key: 'pending_payment', label: '待付款' },
  { key: 'paid', label: '待发货' },
  { key: 'shipped', label: '待收货' },
  { key: 'completed', label: '已完成' },
  { key: 'cancelled', label: '已取消' },
  { key: 'refund', label: '退款/售后' }
]

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

module.exports = { TABS, buttonsFor, presentOrder, presentLine, reasonOptions }
