// Product list (O2): categories, search, paging on reach-bottom.
const api = require('../../config/api')
const http = require('../../utils/request')
const { yuan } = require('../../utils/format')
const { paged, withMixin } = require('../../utils/loadable')
const words = require('../../utils/words')

const PER_PAGE = 10

Page(withMixin(paged, {
  data: {
    w: {}, state: 'loading', errorText: '', categories: [], categoryId: 0, q: '', items: [], page: 0, hasMore: true, loadingMore: false
  },

  async onLoad() {
    this.perPage = PER_PAGE
    http.get(api.Categories, null, { toast: false }).then(categories => this.setData({ categories }), () => {})
    await words.use(this, 'index')
    words.tabBar()
    return this.reload()
  },

  fetchPage(page, toast) {
    const params = { page, per_page: PER_PAGE }
    if (this.data.categoryId) params.category_id = this.data.categoryId
    if (this.data.q.trim()) params.q = this.data.q.trim()
    return http.get(api.Products, params, { toast })
  },

  present(product) {
    return Object.assign({}, product, { price_text: yuan(product.min_price_fen) })
  },

  onCategory(e) {
    this.setData({ categoryId: Number(e.currentTarget.dataset.id) })
    return this.reload()
  },

  onSearchInput(e) {
    this.setData({ q: e.detail.value })
  },

  onSearch() {
    return this.reload()
  },

  onOpen(e) {
    wx.navigateTo({ url: '/pages/product/product?id=' + e.currentTarget.dataset.id })
  }
}))
