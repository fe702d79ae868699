// Shapes the API returns (see backend/shop/api/presenters.py), for page tests with wx.request mocked.
function order(overrides) {
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

function page(items, counts, total) {
  return { items, total: total === undefined ? items.length : total, page: 1, per_page: 10, counts: counts || { all: items.length } }
}

module.exports = { order, page }
