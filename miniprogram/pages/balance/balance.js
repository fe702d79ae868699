// 我的余额 (R9): the store balance and every change of it, newest first, worded by the server; a row
// that belongs to an order opens it.
const api = require('../../config/api')
const http = require('../../utils/request')
const { yuan, shanghaiTime } = require('../../utils/format')
const { paged, withMixin } = require('../../utils/loadable')
const words = require('../../utils/words')

const PER_PAGE = 20

Page(withMixin(paged, {
  data: {
    w: {}, state: 'loading', errorText: '', items: [], page: 0, hasMore: true, loadingMore: false,
    balanceText: '', emptyText: ''
  },

  async onLoad() {
    this.perPage = PER_PAGE
    await words.use(this, 'balance')
    return this.reload()
  },

  onShow() {
    if (this.data.page > 0) return this.reload(true)
  },

  fetchPage(page, toast) {
    return http.get(api.Balance, { page, per_page: PER_PAGE }, { toast })
  },

  afterPage(body) {
    this.setData({ balanceText: yuan(body.balance_fen), emptyText: body.empty_text || '' })
  },

  present(entry) {
    return Object.assign({}, entry, {
      at_text: shanghaiTime(entry.created_at),
      delta_text: (entry.delta_fen > 0 ? '+' : '') + yuan(entry.delta_fen),
      after_text: words.fill(this.data.w.balance_after, { amount: yuan(entry.balance_after_fen) }),
      credit: entry.delta_fen > 0
    })
  },

  onOpen(e) {
    const orderId = e.currentTarget.dataset.orderId
    if (orderId) wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + orderId })
  }
}))
