// In-app message centre (N2): every notification the shop sent, newest first; tap to open the order.
const api = require('../../config/api')
const http = require('../../utils/request')
const { shanghaiTime } = require('../../utils/format')

const PER_PAGE = 20

Page({
  data: { state: 'loading', errorText: '', messages: [], page: 0, hasMore: true },

  onLoad() {
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
    return http.get(api.Messages, { page, per_page: PER_PAGE }, { toast: page > 1 }).then(body => {
      const items = Array.isArray(body) ? body : body.items || []
      const total = Array.isArray(body) ? items.length : body.total
      const messages = (page === 1 ? [] : this.data.messages)
        .concat(items.map(m => Object.assign({}, m, { at_text: shanghaiTime(m.created_at), unread: m.read === false })))
      this.setData({ messages, page, hasMore: page * PER_PAGE < total, state: messages.length ? 'ready' : 'empty' })
    }, error => {
      if (page === 1) this.setData({ state: 'error', errorText: error.message })
    })
  },

  onOpen(e) {
    const { id, orderId } = e.currentTarget.dataset
    const index = this.data.messages.findIndex(m => m.id === id)
    if (index >= 0 && this.data.messages[index].unread) {
      this.setData({ ['messages[' + index + '].unread']: false })
      http.post(api.MessageRead(id), {}, { loading: false, toast: false }).catch(() => {})
    }
    if (orderId) wx.navigateTo({ url: '/pages/orders/detail/detail?id=' + orderId })
  }
})
