// Shapes the API returns (see backend/shop/api/presenters.py), for page tests with wx.request mocked.
// The shopper's buttons as the server sends them (backend/shop/domain/labels.py: ACTION_LABELS, SHOPPER_BUTTON_ORDER,
// SHOPPER_CONFIRMATIONS, SHOPPER_DONE): the mini-program draws these words and has none of its own.
const SERVER_BUTTONS = [
  ['delete', '删除订单', { title: '删除订单', content: '删除后，该订单将不再显示在您的订单列表中，也无法再申请售后、查看评价或物流信息。此操作不可恢复。', confirm_text: '删除' }, '订单已删除'],
  ['feedback', '评价取消体验'], ['view_refund', '退款进度'], ['modify', '修改订单'], ['cancel', '取消订单'],
  ['after_sale', '申请售后'],
  ['confirm_receipt', '确认收货', { title: '确认收货', content: '请确认已收到全部商品且无问题。确认后订单完成，如有问题仍可申请售后。', confirm_text: '确认收货' }, '已确认收货'],
  ['confirm_receipt_in_wechat', '确认收货', null, '已确认收货'], ['pay', '去支付'],
  ['decline_alternative', '不接受', { title: '不接受方案', content: '不接受后，你的取消申请将交回商家继续处理。', confirm_text: '不接受' }, '已告知商家'],
  ['withdraw', '撤回申请', { title: '撤回申请', content: '撤回后商家将不再处理该申请，订单按原样继续。确定撤回吗？', confirm_text: '撤回' }, '已撤回申请'],
  ['accept_alternative', '接受方案', { title: '接受商家方案', content: '接受后取消申请结束，订单按以下方案继续：{offer}', confirm_text: '接受' }, '已接受方案'],
  ['request_invoice', '申请发票'], ['download', '下载发票']
]
const PRIMARY = ['pay', 'confirm_receipt', 'confirm_receipt_in_wechat', 'accept_alternative']

/** `actions` as the server's `buttons` (its order, words, confirmation and toast). */
function buttons(actions, offer) {
  return SERVER_BUTTONS.filter(([action]) => (actions || []).indexOf(action) >= 0).map(([action, label, confirm, done]) => ({
    action, label, primary: PRIMARY.indexOf(action) >= 0,
    confirm: confirm ? Object.assign({}, confirm, { content: confirm.content.replace('{offer}', offer || '') }) : null,
    done: done || null
  }))
}

// An after-sales case's buttons as the server sends them (domain/labels.py: CASE_BUTTON_ORDER, CASE_CONFIRMATIONS,
// CASE_DONE).
const CASE_BUTTONS = [
  ['withdraw', '撤回申请', { title: '撤回售后申请', content: '撤回后商家将不再处理该申请。确定撤回吗？', confirm_text: '撤回' }, '已撤回申请'],
  ['decline_proposal', '不同意', { title: '不同意协商方案', content: '将交回商家重新处理。确定不同意吗？', confirm_text: '不同意' }, '已交回商家处理'],
  ['accept_proposal', '接受方案', { title: '接受协商方案', content: '{proposal}', confirm_text: '接受' }, '已接受'],
  ['add_evidence', '提交凭证', null, '凭证已提交'],
  ['submit_return_shipment', '提交寄回信息', null, '已提交寄回信息']
]

/** A case as the server sends it: `buttons` follow its `actions` unless given. */
function afterSale(body) {
  if (!body || body.buttons || !Array.isArray(body.actions)) return body
  const proposal = (body.proposal && body.proposal.text) || '确定接受商家的方案吗？'
  return Object.assign({}, body, {
    buttons: CASE_BUTTONS.filter(([action]) => body.actions.indexOf(action) >= 0).map(([action, label, confirm, done]) => ({
      action, label, primary: ['accept_proposal', 'add_evidence', 'submit_return_shipment'].indexOf(action) >= 0,
      confirm: confirm ? Object.assign({}, confirm, { content: confirm.content.replace('{proposal}', proposal) }) : null,
      done
    }))
  })
}

/** An order as the server sends it; its `buttons` (and its open request's) follow its actions unless given. */
function order(overrides) {
  const body = orderBody(overrides)
  if (!(overrides && overrides.buttons)) body.buttons = buttons(body.actions)
  const request = body.open_request
  if (request && !request.buttons) {
    body.open_request = Object.assign({}, request, {
      buttons: buttons(request.actions, request.alternative ? request.alternative.text : '')
    })
  }
  return body
}

function orderBody(overrides) {
  return Object.assign({
    id: 7,
    order_no: '20261122065154331013',
    status: 'pending_payment',
    status_label: '待付款',
    refund_status: 'none',
    refund_status_label: '无退款',
    total_fen: 6600,
    paid_fen: 0,
    refunded_fen: 0,
    goods_fen: 5800,
    discount_fen: 0,
    shipping_fen: 800,
    item_count: 2,
    items: [{
      id: 11, sku_id: 1, product_id: 1, product_name: '快充数据线', sku_name: '1米', image: '/static/products/1.png',
      unit_price_fen: 2900, quantity: 2, goods_fen: 5800, discount_fen: 0, payable_fen: 5800,
      refunded_quantity: 0, refunded_fen: 0
    }],
    created_at: '2026-11-21T22:51:54.845528+00:00',
    pay_deadline: '2026-11-21T23:21:54+00:00',
    receiver_name: '张三',
    receiver_phone: '13800138000',
    province: '广东省',
    city: '深圳市',
    district: '南山区',
    address_detail: '科技园路1号',
    remark: '',
    carrier: null,
    tracking_no: null,
    actions: ['pay', 'cancel', 'modify'],
    timeline: [{ id: 1, kind: 'placed', label: '订单已提交', at: '2026-11-21T22:51:54+00:00', actor_type: 'shopper', actor_name: '顾客', reason: '', data: {} }],
    refunds: [],
    open_request: null,
    modifiable: {}
  }, overrides)
}

// The order list's tabs as the server sends them with a page (domain/labels.py SHOPPER_ORDER_TABS).
const ORDER_TABS = [['all', '全部'], ['pending_payment', '待付款'], ['paid', '待发货'], ['shipped', '待收货'],
  ['completed', '已完成'], ['cancelled', '已取消'], ['refund', '退款/售后']]

/** The server's `tabs` for these counts (labels of its own when given: {key: label}). */
function tabs(counts, labels) {
  return ORDER_TABS.map(([key, label]) => ({ key, label: (labels && labels[key]) || label, count: (counts && counts[key]) || 0 }))
}

function page(items, counts, total) {
  counts = counts || { all: items.length }
  return { items, total: total === undefined ? items.length : total, page: 1, per_page: 10, counts, tabs: tabs(counts) }
}

module.exports = { order, page, tabs, buttons, afterSale, SERVER_BUTTONS, CASE_BUTTONS }
