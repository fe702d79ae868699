// Order list (Q1): status tabs with counts, search by order number or product name,
// pull-to-refresh and paging on reach-bottom.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { TABS, presentOrder } = require('../../../utils/orders')

const PER_PAGE = 10

Page({
  data: {
    tabs: TABS.map(tab => Object.assign({ count: 0 }, tab)),
    active: 'all',
    q: '',
    orders: [],
    page: 0,
    hasMore: true,
    state: 'loading', // loading | ready | empty | error
    errorText: '',
    loadingMore: false
  },

  onLoad(query) {
    const known = TABS.some(tab => tab.key === query.status)
    this.setData({ active: known ? query.status : 'all' })
    return this.reload()
  },

  onShow() {
    // Coming back from a detail page where the order may have been cancelled, paid or deleted.
    if (this.shownOnce) return this.reload(true)
    this.shownOnce = true
  },

  onPullDownRefresh() {
    return this.reload(true).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    if (this.data.hasMore && !this.data.loadingMore && this.data.state === 'ready') return this.fetch(this.data.page + 1)
  },

  /** @param {boolean} [quiet] keep the current list on screen while refreshing */
  reload(quiet) {
    if (!quiet) this.setData({ state: 'loading', orders: [] })
    return this.fetch(1)
  },

  fetch(page) {
    const params = { page, per_page: PER_PAGE }
    if (this.data.active !== 'all') params.status = this.data.active
    if (this.data.q.trim()) params.q = this.data.q.trim()
    this.setData({ loadingMore: page > 1 })
    return http.get(api.Orders, params, { toast: page > 1 }).then(body => {
      const orders = (page === 1 ? [] : this.data.orders).concat(body.items.map(presentOrder))
      const counts = body.counts || {}
      this.setData({
        orders,
        page,
        hasMore: page * PER_PAGE < body.total,
        loadingMore: false,
        tabs: this.data.tabs.map(tab => Object.assign({}, tab, { count: counts[tab.key] || 0 })),
        state: orders.length ? 'ready' : 'empty'
      })
    }, error => {
      this.setData({ loadingMore: false })
      if (page === 1) this.setData({ state: 'error', errorText: error.message })
    })
  },

  onRetry() {
    return this.reload()
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

  onOpen(e) {
    wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + e.currentTarget.dataset.id })
  }
})
