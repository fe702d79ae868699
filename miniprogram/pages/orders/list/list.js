// Order list (Q1): status tabs with counts, search by order number or product name,
// pull-to-refresh and paging on reach-bottom. Each card carries the order's server `actions` as buttons,
// doing what they do on the order detail page (utils/order-actions). The tabs, their words and counts come with
// each page of orders (`tabs`); the page's other words are the server's too (utils/words, group order_list).
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { tabsOf, presentOrder } = require('../../../utils/orders')
const words = require('../../../utils/words')
const { paged, withMixin } = require('../../../utils/loadable')
const { orderActions } = require('../../../utils/order-actions')

const PER_PAGE = 10

Page(withMixin(Object.assign({}, paged, orderActions), {
  data: {
    w: {},
    tabs: [],
    active: 'all',
    q: '',
    items: [],
    page: 0,
    hasMore: true,
    state: 'loading', // loading | ready | empty | error
    errorText: '',
    loadingMore: false,
    acting: false
  },

  async onLoad(query) {
    this.perPage = PER_PAGE
    this.setData({ active: query.status || 'all' }) // a tab key the server sent (我的 page shortcuts)
    await words.use(this, 'order_list')
    return this.reload()
  },

  onShow() {
    // Coming back from a detail page where the order may have been cancelled, paid or deleted.
    if (this.shownOnce) return this.reload(true)
    this.shownOnce = true
  },

  fetchPage(page, toast) {
    const params = { page, per_page: PER_PAGE }
    if (this.data.active !== 'all') params.status = this.data.active
    if (this.data.q.trim()) params.q = this.data.q.trim()
    return http.get(api.Orders, params, { toast })
  },

  present(order) {
    const view = presentOrder(order)
    view.count_text = words.fill(this.data.w.count_paid, { count: order.item_count })
    return view
  },

  afterPage(body) {
    this.setData({ tabs: tabsOf(body) })
  },

  onTab(e) {
    const key = e.currentTarget.dataset.key
    if (key === this.data.active) return
    this.setData({ active: key })
    return this.reload()
  },

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    return this.reload()
  },

  onClearSearch() {
    this.setData({ q: '' })
    return this.reload()
  },

  orderFor(id) {
    return this.data.items.find(item => item.id === id)
  },

  orderHooks() {
    return { refresh: () => this.reload(true), removed: () => this.reload(true) }
  },

  onOpen(e) {
    wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + e.currentTarget.dataset.id })
  }
}))
