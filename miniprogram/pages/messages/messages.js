// In-app message centre (N2): every notification the shop sent, newest first; tap to open the order.
const api = require('../../config/api')
const http = require('../../utils/request')
const { shanghaiTime } = require('../../utils/format')
const { paged, withMixin } = require('../../utils/loadable')
const words = require('../../utils/words')

const PER_PAGE = 20

Page(withMixin(paged, {
  data: { w: {}, state: 'loading', errorText: '', items: [], page: 0, hasMore: true, loadingMore: false },

  async onLoad() {
    this.perPage = PER_PAGE
    await words.use(this, 'messages')
    return this.reload()
  },

  fetchPage(page, toast) {
    return http.get(api.Messages, { page, per_page: PER_PAGE }, { toast })
  },

  present(message) {
    return Object.assign({}, message, { at_text: shanghaiTime(message.created_at), unread: message.read === false })
  },

  onOpen(e) {
    const { id, orderId } = e.currentTarget.dataset
    const index = this.data.items.findIndex(m => m.id === id)
    if (index >= 0 && this.data.items[index].unread) {
      this.setData({ ['items[' + index + '].unread']: false })
      http.post(api.MessageRead(id), {}, { loading: false, toast: false }).catch(() => {})
    }
    if (orderId) wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + orderId })
  }
}))
