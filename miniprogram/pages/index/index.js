// Product list (O2): categories, search, paging on reach-bottom.
const api = require('../../config/api')
const http = require('../../utils/request')
const { yuan } = require('../../utils/format')

const PER_PAGE = 10

Page({
  data: { state: 'loading', errorText: '', categories: [], categoryId: 0, q: '', products: [], page: 0, hasMore: true },

  onLoad() {
    http.get(api.Categories, null, { toast: false }).then(categories => this.setData({ categories }), () => {})
    return this.fetch(1)
  },

  onPullDownRefresh() {
    return this.fetch(1).then(() => wx.stopPullDownRefresh())
  },

  onReachBottom() {
    if (this.data.hasMore && this.data.state === 'ready') return this.fetch(this.data.page + 1)
  },

  onRetry() {
    this.setData({ state: 'loading' })
    return this.fetch(1)
  },

  fetch(page) {
    const params = { page, per_page: PER_PAGE }
    if (this.data.categoryId) params.category_id = this.data.categoryId
    if (this.data.q.trim()) params.q = this.data.q.trim()
    return http.get(api.Products, params, { toast: page > 1 }).then(body => {
      const products = (page === 1 ? [] : this.data.products)
        .concat(body.items.map(p => Object.assign({}, p, { price_text: yuan(p.min_price_fen) })))
      this.setData({ products, page, hasMore: page * PER_PAGE < body.total, state: products.length ? 'ready' : 'empty' })
    }, error => {
      if (page === 1) this.setData({ state: 'error', errorText: error.message })
    })
  },

  onCategory(e) {
    this.setData({ categoryId: Number(e.currentTarget.dataset.id), state: 'loading' })
    return this.fetch(1)
  },

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    this.setData({ state: 'loading' })
    return this.fetch(1)
  },

  onOpen(e) {
    wx.navigateTo({ url: '/pages/product/product?id=' + e.currentTarget.dataset.id })
  }
})
