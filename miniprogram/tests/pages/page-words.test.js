// The rest of the shopper's words come from the server too (issue 12): the order list's tabs with each page of
// orders, and every page title, heading, label, placeholder, empty state and toast from GET /words
// (backend/shop/domain/labels.py SHOPPER_WORDS). The server here sends words of its own; a page drawing its own
// would show something else and fail. The converted pages have no Chinese of their own at all.
const fs = require('fs')
const path = require('path')
const { loadPage, tap, text, settle } = require('../support/page')
const { mockApi } = require('../support/mock-api')
const { order, page, tabs } = require('../support/fixtures')
const WORDS = require('../support/words.json')

/** The server's dictionary with some words of its own: {group: {key: words}}. */
function ownWords(changes) {
  const words = JSON.parse(JSON.stringify(WORDS.words))
  Object.keys(changes).forEach(group => Object.assign(words[group], changes[group]))
  return { version: 'own-' + Object.keys(changes).join('-'), words }
}

describe('the order list\'s tabs are the server\'s', () => {
  test('drawn as sent with each page of orders, with their counts', async () => {
    const own = tabs({ all: 3, pending_payment: 2 }, { pending_payment: '等你付款', refund: '退款中心' })
    mockApi({ 'GET /orders': Object.assign(page([order({ id: 1 })], { all: 3, pending_payment: 2 }), { tabs: own }) })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    expect(comp.querySelector('#tab-pending_payment').dom.textContent.replace(/\s+/g, '')).toBe('等你付款2')
    expect(comp.querySelector('#tab-refund').dom.textContent.trim()).toBe('退款中心')
    expect(p.data.tabs.map(t => t.key)).toEqual(own.map(t => t.key))
    expect(p.data.tabs.map(t => t.label)).toEqual(own.map(t => t.label))
  })

  test('a tab the server does not send is not drawn', async () => {
    const some = tabs({}).filter(t => t.key !== 'cancelled')
    mockApi({ 'GET /orders': Object.assign(page([order({ id: 1 })]), { tabs: some }) })
    const { comp } = await loadPage('pages/orders/list/list')
    expect(comp.querySelector('#tab-cancelled')).toBeFalsy()
    expect(comp.querySelector('#tab-paid')).toBeTruthy()
  })

  test('我的 draws its shortcuts from the same tabs', async () => {
    mockApi({ 'GET /orders': Object.assign(page([], { paid: 4 }, 0), { tabs: tabs({ paid: 4 }, { paid: '商家备货中' }) }) })
    const { comp } = await loadPage('pages/mine/mine')
    expect(comp.querySelector('#shortcut-paid').dom.textContent.replace(/\s+/g, '')).toBe('4商家备货中')
    expect(comp.querySelector('#shortcut-completed')).toBeFalsy()
  })
})

describe('page words come from GET /words', () => {
  test('the order list\'s title, placeholder, empty state and card words', async () => {
    const title = jest.spyOn(wx, 'setNavigationBarTitle')
    mockApi({
      'GET /words': ownWords({ order_list: { title: '订单们', search_placeholder: '找一找', empty: '空空如也', count_paid: '{count} 样 付了' } }),
      'GET /orders': page([])
    })
    const { comp, page: p } = await loadPage('pages/orders/list/list')
    expect(title).toHaveBeenCalledWith({ title: '订单们' })
    expect(p.data.w.search_placeholder).toBe('找一找') // simulate's <input> drops its attributes; the template reads w
    expect(text(comp)).toContain('空空如也')
    mockApi({ 'GET /words': ownWords({ order_list: { count_paid: '{count} 样 付了' } }), 'GET /orders': page([order({ id: 1, item_count: 2 })]) })
    const list = await loadPage('pages/orders/list/list')
    expect(text(list.comp)).toContain('2 样 付了')
  })

  test('我的 and the after-sales form', async () => {
    mockApi({
      'GET /words': ownWords({ mine: { messages: '站内信' }, after_sale_apply: { type: '想怎么处理', submit: '交上去', need_type: '先选个类型' } }),
      'GET /orders': page([]),
      'GET /orders/7': order({ status: 'completed', actions: ['after_sale'] }),
      'GET /orders/7/after-sale-options': { types: [{ code: 'refund_only', label: '仅退款', hint: '' }], note: '', reasons: [] }
    })
    const mine = await loadPage('pages/mine/mine')
    expect(mine.comp.querySelector('#messages').dom.textContent).toContain('站内信')
    const apply = await loadPage('pages/after-sales/apply/apply', { order_id: '7' })
    expect(text(apply.comp)).toContain('想怎么处理')
    expect(apply.comp.querySelector('#submit').dom.textContent.trim()).toBe('交上去')
    await tap(apply.comp, '#submit')
    expect(text(apply.comp)).toContain('先选个类型')
  })

  test('asked once, kept in storage; asked again with its version, a 304 keeps what is stored', async () => {
    const api = mockApi({ 'GET /orders': page([]) })
    await loadPage('pages/orders/list/list')
    await loadPage('pages/mine/mine')
    expect(api.find('GET /words')).toHaveLength(1)
    expect(api.find('GET /words')[0].header.Authorization).toBeUndefined() // public: no login needed first

    const again = mockApi({ 'GET /words': { __status: 304, body: '' }, 'GET /orders': page([]) })
    jest.resetModules()
    const words = require('../../utils/words')
    const known = await words.refresh()
    expect(again.find('GET /words')[0].header['If-None-Match']).toBe(WORDS.version)
    expect(known.version).toBe(WORDS.version)
    expect(words.of('order_list').title).toBe(WORDS.words.order_list.title)
    await settle()
  })
})

describe('the order pages\' words', () => {
  test('the order page\'s headings and the sentence with its pay deadline', async () => {
    mockApi({
      'GET /words': ownWords({ order_detail: { receiver: '寄到哪里', pay_before: '{deadline} 之前付款哦', timeline: '发生了什么' } }),
      'GET /orders/7': order({ id: 7, status: 'pending_payment', actions: ['pay'] }),
      'GET /orders/7/invoice': { invoice: null, actions: [], buttons: [] }
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(text(comp)).toContain('寄到哪里')
    expect(text(comp)).toContain('发生了什么')
    expect(text(comp)).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} 之前付款哦/)
    expect(text(comp)).not.toContain('收货信息')
  })

  test('cancelling asks and explains the money in the server\'s words', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    mockApi({
      'GET /words': ownWords({ order_cancel: { money_paid: '付了 {amount}，会退回', confirm_title: '真不要了？', confirm_text: '不要了' } }),
      'GET /orders/7': order({ id: 7, status: 'paid', paid_fen: 6600, actions: ['cancel'] }),
      'GET /cancel-reasons': [{ code: 'changed_mind', label: '不想要了' }],
      'POST /orders/7/cancel': order({ id: 7, status: 'cancelled', actions: [] })
    })
    const { comp, page: p } = await loadPage('pages/orders/cancel/cancel', { id: '7' })
    expect(text(comp)).toContain('付了 ¥66.00，会退回')
    p.onReason({ detail: { value: '0' } })
    await tap(comp, '#submit')
    expect(modal.mock.calls[0][0]).toEqual(expect.objectContaining({ title: '真不要了？', content: '付了 ¥66.00，会退回', confirmText: '不要了' }))
  })
})

describe('the after-sales case page\'s words', () => {
  test('its headings, the carriers to pick from and the form\'s complaints are the server\'s', async () => {
    mockApi({
      'GET /words': ownWords({ after_sale_detail: { return_form: '怎么寄回来', carriers: '甲快递、乙快递', need_carrier: '挑个快递' } }),
      'GET /after-sales/31': {
        id: 31, order_id: 7, type: 'return_refund', type_label: '退货退款', status: 'awaiting_return', status_label: '待寄回商品',
        actions: ['submit_return_shipment'], amount_fen: 2900, lines: [], photos: [], messages: [], created_at: '2026-11-21T23:00:00+00:00'
      }
    })
    const { comp, page: p } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(text(comp)).toContain('怎么寄回来')
    expect(p.data.carriers).toEqual(['甲快递', '乙快递'])
    await tap(comp, '#submit-return')
    expect(text(comp)).toContain('挑个快递')
  })
})

describe('the shop pages\' words', () => {
  test('product and checkout: the buy button, stock, the coupon picker and the payable line', async () => {
    const product = { id: 1, name: 'P', image: '', min_price_fen: 100, skus: [{ id: 3, name: 'S', price_fen: 100, stock: 4 }] }
    mockApi({
      'GET /words': ownWords({
        product: { buy: '买它', stock: '还有 {stock} 个' },
        checkout: { no_coupon: '不用券', coupon_option: '{name} 省 {amount}', payable_fen: '要付', free_freight: '包邮' }
      }),
      'GET /products/1': product,
      'GET /addresses': [{ id: 5, receiver: 'R', phone: '13800138000', province: 'a', city: 'b', district: 'c', detail: 'dddd', is_default: true }],
      'POST /orders/quote': {
        goods_fen: 100, freight_fen: 0, coupon_discount_fen: 0, balance_fen: 0, payable_fen: 100, balance_available_fen: 0,
        coupons: [{ id: 21, name: '券', discount_fen: 10, usable: true, reason_unusable: null }], chosen_coupon_id: null
      }
    })
    const detail = await loadPage('pages/product/product', { id: '1' })
    expect(detail.comp.querySelector('#buy').dom.textContent.trim()).toBe('买它')
    expect(text(detail.comp)).toContain('还有 4 个')
    const { comp, page: p } = await loadPage('pages/checkout/checkout', { product_id: '1', sku_id: '3', quantity: '1' })
    expect(p.data.couponOptions).toEqual(['不用券', '券 省 ¥0.10'])
    expect(text(comp.querySelector('#line-payable'))).toContain('要付')
    expect(text(comp.querySelector('#line-freight'))).toContain('包邮')
  })
})

describe('the account pages\' words', () => {
  test('我的优惠券\'s tabs, an address\'s deletion question and the address form\'s checks', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const address = { id: 5, receiver: 'R', phone: '13800138000', province: 'a', city: 'b', district: 'c', detail: 'dddd', is_default: true }
    mockApi({
      'GET /words': ownWords({
        coupon_mine: { tab_used: '用掉了' },
        address_list: { delete_title: '真删？', delete_content: '服务器的删除说明', delete_confirm: '删' },
        receiver_checks: { need_receiver: '谁收货？' }
      }),
      'GET /coupons': [],
      'GET /addresses': [address],
      'DELETE /addresses/5': ''
    })
    const coupons = await loadPage('pages/coupons/mine/mine')
    expect(coupons.comp.querySelector('#tab-used').dom.textContent.trim()).toBe('用掉了')
    const list = await loadPage('pages/addresses/list/list')
    await tap(list.comp, '#delete-5')
    expect(modal.mock.calls[0][0]).toEqual(expect.objectContaining({ title: '真删？', content: '服务器的删除说明', confirmText: '删' }))
    const edit = await loadPage('pages/addresses/edit/edit')
    await tap(edit.comp, '#save')
    expect(text(edit.comp)).toContain('谁收货？')
  })
})

describe('the shared helpers\' words', () => {
  test('the countdown keeps counting in the server\'s words; dialogs\' default buttons are the server\'s', async () => {
    wx.setStorageSync('words', ownWords({ countdown: { hours: '剩 {hours} 时 {minutes} 分' }, common: { cancel: '算了' } }))
    jest.resetModules()
    expect(require('../../utils/countdown').countdownLabel(5 * 3600 + 20 * 60)).toBe('剩 5 时 20 分')
    const modal = jest.spyOn(wx, 'showModal')
    await require('../../utils/ui').confirm('t', 'c')
    expect(modal.mock.calls[0][0]).toEqual(expect.objectContaining({ cancelText: '算了', confirmText: WORDS.words.common.confirm }))
  })
})

describe('toasts that confirm a server action are the server\'s words', () => {
  test('支付成功 after paying from the list', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    mockApi({
      'GET /words': ownWords({ toast: { paid: '服务器说：付好了' } }),
      'GET /orders': page([order({ id: 1, actions: ['pay'] })]),
      'POST /orders/1/pay': { out_trade_no: 'T1', amount_fen: 100, pay_params: {} },
      'GET /orders/1': order({ id: 1, status: 'paid', actions: [] })
    })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-1-pay')
    expect(toast.mock.calls.map(c => c[0].title)).toContain('服务器说：付好了')
  })
})

// The pages whose words all come from the server have no Chinese of their own (comments aside).
describe('no shopper word is written into the converted pages', () => {
  const ROOT = path.join(__dirname, '..', '..')
  const FILES = ['pages/orders/list/list', 'pages/mine/mine', 'pages/after-sales/apply/apply', 'pages/orders/detail/detail',
    'pages/orders/cancel/cancel', 'pages/orders/modify/modify', 'pages/orders/feedback/feedback',
    'pages/orders/refund/refund', 'pages/orders/logistics/logistics', 'pages/invoice/invoice', 'pages/after-sales/detail/detail',
    'pages/index/index', 'pages/product/product', 'pages/checkout/checkout', 'pages/coupons/claim/claim',
    'pages/coupons/mine/mine', 'pages/balance/balance', 'pages/messages/messages', 'pages/addresses/list/list',
    'pages/addresses/edit/edit']
    .flatMap(page => ['.js', '.wxml', '.json'].map(ext => page + ext))
    .concat(['utils/orders.js', 'utils/order-actions.js', 'utils/payment.js', 'utils/validate.js', 'utils/wechat-address.js',
      'utils/countdown.js', 'utils/ui.js', 'components/copy-text/copy-text.js'])

  test.each(FILES)('%s', file => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
    expect(source.match(/[\u4e00-\u9fff]+/g) || []).toEqual([])
  })
})
