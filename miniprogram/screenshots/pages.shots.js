// `npm run screenshots`, step 1: the main pages with fixture data, each written as HTML for photograph.js.
// The data has the API's shapes (tests/support/fixtures.js); times are fixed so the pictures do not drift.
const fs = require('fs')
const path = require('path')
const { pageHtml } = require('./frame')
const { loadPage, ROOT } = require('../tests/support/page')
const { mockApi } = require('../tests/support/mock-api')
const { order, page } = require('../tests/support/fixtures')

const OUT = process.env.SCREENSHOT_HTML_DIR || path.join(ROOT, '..', 'var', 'miniprogram-screens')

// Product pictures: a soft colour and the product's first character (the demo catalogue has no photos).
const COLOURS = ['#ffd8bf', '#d6e4ff', '#d9f7be', '#fff1b8', '#efdbff', '#ffd6e7']
function picture(name, index) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="${COLOURS[index % COLOURS.length]}"/>` +
    `<text x="80" y="200" font-size="140" fill="rgba(0,0,0,.45)" font-family="Noto Sans CJK SC, sans-serif">${name[0]}</text></svg>`
  return 'data:image/svg+xml;base64,' + Buffer.from(svg).toString('base64')
}

const CATALOGUE = [
  ['快充数据线', 2900, '1米'], ['蓝牙耳机', 19900, '白色'], ['保温杯', 8900, '350ml'], ['坚果礼盒', 12800, '750g'],
  ['纯棉T恤', 7900, 'M'], ['移动电源', 12900, '10000mAh']
]
const PRODUCTS = CATALOGUE.map(([name, price, sku], i) => ({
  id: i + 1, name, description: name + '，精选好物。7 天无理由退货，48 小时内发货。', image: picture(name, i), min_price_fen: price,
  category: { id: 1, name: '数码配件' },
  skus: [{ id: i * 10 + 1, name: sku, price_fen: price, stock: 86 }, { id: i * 10 + 2, name: '礼盒装', price_fen: price + 1000, stock: 0 }]
}))
const CATEGORIES = ['数码配件', '居家日用', '食品饮料', '服饰鞋包', '美妆个护'].map((name, i) => ({ id: i + 1, name }))
const ADDRESS = { id: 5, receiver: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路 1 号 2 栋 301', is_default: true }

function line(product, quantity, id) {
  return {
    id, sku_id: product.skus[0].id, product_id: product.id, product_name: product.name, sku_name: product.skus[0].name,
    image: product.image, unit_price_fen: product.min_price_fen, quantity, goods_fen: product.min_price_fen * quantity,
    discount_fen: 0, payable_fen: product.min_price_fen * quantity, refunded_quantity: 0, refunded_fen: 0
  }
}

const at = hours => new Date(Date.UTC(2026, 10, 21, 22, 51) + hours * 3600 * 1000).toISOString()
const PARCEL = {
  carrier: '顺丰速运', tracking_no: 'SF1402358866712', shipped_at: at(20), status_label: '已签收',
  events: [
    { id: 4, kind: 'shipped', label: '商家已发货', at: at(20), actor_type: 'staff', actor_name: '商家', reason: '', data: { carrier: '顺丰速运', tracking_no: 'SF1402358866712' } },
    { id: 5, kind: 'delivered', label: '快递已签收', at: at(43.5), actor_type: 'staff', actor_name: '商家', reason: '', data: {} }
  ]
}
const SHIPPED = order({
  id: 8, order_no: '20261122065154331013', status: 'shipped', status_label: '待收货', items: [line(PRODUCTS[1], 1, 21), line(PRODUCTS[0], 2, 22)],
  goods_fen: 25700, shipping_fen: 0, discount_fen: 1000, total_fen: 24700, paid_fen: 24700, item_count: 3,
  carrier: PARCEL.carrier, tracking_no: PARCEL.tracking_no, logistics: PARCEL, actions: ['after_sale', 'confirm_receipt'],
  timeline: [
    { id: 1, kind: 'placed', label: '订单已提交', at: at(0), data: {} },
    { id: 2, kind: 'paid', label: '支付成功', at: at(0.02), data: { amount_fen: 24700 } },
    { id: 3, kind: 'accepted', label: '商家已受理', at: at(2), data: {} }
  ].concat(PARCEL.events)
})
const ORDERS = [
  order({ id: 9, order_no: '20261123101502118842', items: [line(PRODUCTS[2], 1, 31)], goods_fen: 8900, total_fen: 8900, item_count: 1, created_at: at(30) }),
  SHIPPED,
  order({
    id: 6, order_no: '20261119183020557301', status: 'completed', status_label: '已完成', items: [line(PRODUCTS[3], 1, 11)],
    total_fen: 12800, paid_fen: 12800, item_count: 1, created_at: at(-50), actions: ['after_sale', 'delete']
  }),
  order({
    id: 5, order_no: '20261118090112774410', status: 'cancelled', status_label: '已取消', refund_status: 'refunded', refund_status_label: '已退款',
    items: [line(PRODUCTS[4], 1, 12)], total_fen: 7900, paid_fen: 7900, refunded_fen: 7900, item_count: 1, created_at: at(-80), actions: ['delete']
  })
]
const COUNTS = { all: 12, pending_payment: 1, paid: 2, shipped: 1, completed: 7, cancelled: 1, refund: 1 }

const CASE = {
  id: 31, order_id: 6, order_no: '20261119183020557301', type: 'return_refund', type_label: '退货退款', status: 'awaiting_return',
  status_label: '待寄回商品', actions: ['submit_return_shipment'], reason_code: 'quality', reason_label: '质量问题', reason_text: '礼盒一角压坏了',
  amount_fen: 12800, return_address: '上海市浦东新区张江路 88 号 退货仓 陈仓管 021-50801234',
  deadline_label: '还剩 6天23小时', deadline_for: 'shopper', deadline_stage: '寄回商品',
  items: [line(PRODUCTS[3], 1, 11)], created_at: at(40),
  messages: [
    { id: 1, author: 'shopper', author_name: '顾客', kind: 'apply', text: '申请退货退款：质量问题，礼盒一角压坏了', photos: [], created_at: at(40) },
    { id: 2, author: 'staff', author_name: '王主管', kind: 'approve', text: '同意退货退款，请在 7 天内寄回，收到后原路退款 ¥128.00', photos: [], created_at: at(41) }
  ]
}

const QUOTE = {
  goods_fen: 19900, freight_fen: 0, coupon_discount_fen: 1000, balance_fen: 0, payable_fen: 18900, balance_available_fen: 0,
  chosen_coupon_id: 9,
  coupons: [{ id: 9, name: '满99减10', discount_fen: 1000, usable: true, reason_unusable: null },
    { id: 10, name: '新人无门槛5元', discount_fen: 500, usable: true, reason_unusable: null }]
}

// name -> [page path, query, API routes]
const SHOTS = {
  home: ['pages/index/index', {}, { 'GET /categories': CATEGORIES, 'GET /products': { items: PRODUCTS, total: 6, page: 1, per_page: 10 } }],
  product: ['pages/product/product', { id: '2' }, { 'GET /products/2': PRODUCTS[1] }],
  checkout: ['pages/checkout/checkout', { product_id: '2', sku_id: '11', quantity: '1' }, {
    'GET /products/2': PRODUCTS[1], 'GET /addresses': [ADDRESS], 'POST /orders/quote': QUOTE, 'GET /coupons': [], 'GET /balance': { balance_fen: 0 }
  }],
  'order-list': ['pages/orders/list/list', {}, { 'GET /orders': page(ORDERS, COUNTS, 12) }],
  'order-detail': ['pages/orders/detail/detail', { id: '8' }, { 'GET /orders/8': SHIPPED }],
  logistics: ['pages/orders/logistics/logistics', { id: '8' }, { 'GET /orders/8': SHIPPED }],
  'after-sales': ['pages/after-sales/detail/detail', { id: '31' }, { 'GET /after-sales/31': CASE }],
  mine: ['pages/mine/mine', {}, { 'GET /orders': page([], COUNTS, 12) }],
  addresses: ['pages/addresses/list/list', {}, {
    'GET /addresses': [ADDRESS, Object.assign({}, ADDRESS, { id: 6, receiver: '李四', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 5 楼', is_default: false })]
  }]
}

beforeAll(() => fs.mkdirSync(OUT, { recursive: true }))

describe('mini-program pages as pictures', () => {
  for (const [name, [pagePath, query, routes]] of Object.entries(SHOTS)) {
    test(name, async () => {
      document.head.innerHTML = ''
      mockApi(routes)
      const title = jest.spyOn(wx, 'setNavigationBarTitle')
      const { comp, page: p } = await loadPage(pagePath, query)
      expect(p.data.state === undefined || p.data.state === 'ready').toBe(true)
      const set = title.mock.calls.length ? title.mock.calls[title.mock.calls.length - 1][0].title : ''
      fs.writeFileSync(path.join(OUT, name + '.html'), pageHtml(comp, pagePath, set))
    })
  }
})
