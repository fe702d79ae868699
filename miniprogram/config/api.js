// Every endpoint of the shop API the mini-program calls, in one place (litemall-wx layout).
// Point BASE_URL at the server started by `make run` (default port 8000).
const BASE_URL = 'http://127.0.0.1:8000/api/mp'

// Subscribe-message templates (N1) asked for at each moment, by the shop's template key; the WeChat
// template ids come from GET /subscribe-templates. One wx.requestSubscribeMessage asks for at most three.
const SUBSCRIBE_AT = {
  checkout: ['shipped', 'cancel_result', 'refund_succeeded'],
  afterSale: ['after_sale_result', 'refund_succeeded', 'refund_failed']
}

module.exports = {
  BASE_URL,
  SUBSCRIBE_AT,

  AuthLogin: '/auth/login',
  Words: '/words', // the shopper's words (utils/words.js), public, ETag

  Categories: '/categories',
  Products: '/products',
  Product: id => `/products/${id}`,
  Coupons: '/coupons', // 我的优惠券 (?status=available|used|expired)
  CouponsClaimable: '/coupons/claimable',
  CouponClaim: id => `/coupons/${id}/claim`,

  Addresses: '/addresses',
  Address: id => `/addresses/${id}`,

  Orders: '/orders',
  OrderQuote: '/orders/quote',
  Order: id => `/orders/${id}`,
  OrderPay: id => `/orders/${id}/pay`,
  OrderCancel: id => `/orders/${id}/cancel`,
  OrderConfirmReceipt: id => `/orders/${id}/confirm-receipt`,
  OrderAfterSales: id => `/orders/${id}/after-sales`,
  OrderAfterSaleOptions: id => `/orders/${id}/after-sale-options`, // the types this order may have, reasons
  OrderFeedback: id => `/orders/${id}/feedback`,
  OrderInvoice: id => `/orders/${id}/invoice`, // 发票 (R10): GET state + actions, POST 申请
  OrderInvoicePdf: id => `/orders/${id}/invoice/pdf`,
  CancelReasons: '/cancel-reasons',
  // The shopper's own pending request (A7, C4): withdraw it, answer a staff alternative.
  RequestWithdraw: id => `/requests/${id}/withdraw`,
  RequestAcceptAlternative: id => `/requests/${id}/accept-alternative`,
  RequestDeclineAlternative: id => `/requests/${id}/decline-alternative`,

  AfterSale: id => `/after-sales/${id}`,
  AfterSaleReturnShipment: id => `/after-sales/${id}/return-shipment`,
  AfterSaleWithdraw: id => `/after-sales/${id}/withdraw`,
  AfterSaleAcceptProposal: id => `/after-sales/${id}/accept-proposal`,
  AfterSaleDeclineProposal: id => `/after-sales/${id}/decline-proposal`,
  AfterSaleEvidence: id => `/after-sales/${id}/evidence`,
  AfterSaleReasons: '/after-sale-reasons',
  // Photo upload (multipart field "file" -> {url}); not in the backend yet, see docs/miniprogram.md.
  Uploads: '/uploads',

  Balance: '/balance', // 我的余额 (R9): balance_fen + paged history
  Messages: '/messages',
  MessageRead: id => `/messages/${id}/read`,
  SubscribeTemplates: '/subscribe-templates',
  Subscriptions: '/subscriptions'
}
