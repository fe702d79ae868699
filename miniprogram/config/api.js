// Every endpoint of the shop API the mini-program calls, in one place (litemall-wx layout).
// Point BASE_URL at the server started by `make run` (default port 8000).
const BASE_URL = 'http://127.0.0.1:8000/api/mp'

// Subscribe-message templates (N1): our template key -> WeChat template id from the
// mini-program admin console. The shop's server knows the keys; WeChat knows the ids.
const SUBSCRIBE_TEMPLATES = {
  shipped: 'sandbox-tmpl-shipped',
  cancel_result: 'sandbox-tmpl-cancel-result',
  refund_succeeded: 'sandbox-tmpl-refund-succeeded',
  refund_failed: 'sandbox-tmpl-refund-failed',
  after_sale_decision: 'sandbox-tmpl-after-sale-decision',
  modification_decision: 'sandbox-tmpl-modification-decision'
}

// WeChat lets one wx.requestSubscribeMessage call ask for at most three templates.
const SUBSCRIBE_AT = {
  checkout: ['shipped', 'cancel_result', 'refund_succeeded'],
  afterSale: ['after_sale_decision', 'refund_succeeded', 'refund_failed']
}

module.exports = {
  BASE_URL,
  SUBSCRIBE_TEMPLATES,
  SUBSCRIBE_AT,

  AuthLogin: '/auth/login',

  Categories: '/categories',
  Products: '/products',
  Product: id => `/products/${id}`,
  Coupons: '/coupons',

  Addresses: '/addresses',
  Address: id => `/addresses/${id}`,

  Orders: '/orders',
  Order: id => `/orders/${id}`,
  OrderPay: id => `/orders/${id}/pay`,
  OrderCancel: id => `/orders/${id}/cancel`,
  OrderConfirmReceipt: id => `/orders/${id}/confirm-receipt`,
  OrderAfterSales: id => `/orders/${id}/after-sales`,
  OrderFeedback: id => `/orders/${id}/feedback`,
  CancelReasons: '/cancel-reasons',

  AfterSale: id => `/after-sales/${id}`,
  AfterSaleReturnShipment: id => `/after-sales/${id}/return-shipment`,
  AfterSaleReasons: '/after-sale-reasons',

  Messages: '/messages',
  Subscriptions: '/subscriptions'
}
