// "Mine": order shortcuts with counts, message centre, address book, 联系客服 (WeChat's customer-service chat).
// The shortcuts are the order list's tabs as the server sends them (words and counts); the rest of the page's words
// are the server's too (utils/words, group mine).
const api = require('../../config/api')
const http = require('../../utils/request')
const auth = require('../../utils/auth')
const words = require('../../utils/words')
const { tabsOf } = require('../../utils/orders')

const SHORTCUTS = ['pending_payment', 'paid', 'shipped', 'refund']

Page({
  data: {
    w: {},
    nickname: '',
    shortcuts: [],
    countsError: ''
  },

  onLoad() {
    return words.use(this, 'mine').then(() => words.tabBar())
  },

  async onShow() {
    await words.ready()
    return http.get(api.Orders, { page: 1, per_page: 1 }, { toast: false }).then(body => {
      const user = auth.getUser()
      this.setData({
        nickname: (user && user.nickname) || words.of('mine').default_nickname || '',
        shortcuts: tabsOf(body).filter(tab => SHORTCUTS.indexOf(tab.key) >= 0),
        countsError: ''
      })
    }, error => this.setData({ countsError: error.message }))
  },

  onOrders(e) {
    const status = e.currentTarget.dataset.status
    wx.navigateTo({ url: '/pages/orders/list/list' + (status ? '?status=' + status : '') })
  },

  onMessages() {
    wx.navigateTo({ url: '/pages/messages/messages' })
  },

  onAddresses() {
    wx.navigateTo({ url: '/pages/addresses/list/list' })
  },

  onBalance() {
    wx.navigateTo({ url: '/pages/balance/balance' })
  },

  onCoupons() {
    wx.navigateTo({ url: '/pages/coupons/mine/mine' })
  },

  onClaimCoupons() {
    wx.navigateTo({ url: '/pages/coupons/claim/claim' })
  }
})
