// "Mine": order shortcuts with counts, message centre, address book, 联系客服 (WeChat's customer-service chat).
const api = require('../../config/api')
const http = require('../../utils/request')
const auth = require('../../utils/auth')
const { TABS } = require('../../utils/orders')

const SHORTCUTS = ['pending_payment', 'paid', 'shipped', 'refund']

Page({
  data: {
    nickname: '',
    shortcuts: TABS.filter(tab => SHORTCUTS.indexOf(tab.key) >= 0).map(tab => Object.assign({ count: 0 }, tab)),
    countsError: ''
  },

  onShow() {
    return http.get(api.Orders, { page: 1, per_page: 1 }, { toast: false }).then(body => {
      const user = auth.getUser()
      this.setData({
        nickname: (user && user.nickname) || '微信用户',
        shortcuts: this.data.shortcuts.map(tab => Object.assign({}, tab, { count: (body.counts || {})[tab.key] || 0 })),
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
