// 我的优惠券 (O7): tabs 可使用 / 已使用 / 已过期; the status and its label come from the server.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiDate } = require('../../../utils/format')

const TABS = [
  { key: 'available', label: '可使用' },
  { key: 'used', label: '已使用' },
  { key: 'expired', label: '已过期' }
]

function present(c) {
  return Object.assign({}, c, {
    face: c.kind === 'percent' ? c.rule_text.replace(/^.*?打/, '').replace(/（.*$/, '') : yuan(c.discount_fen),
    validity: c.valid_until ? shanghaiDate(c.valid_until) + ' 前有效' : '长期有效'
  })
}

Page(withMixin(single, {
  data: { state: 'loading', errorText: '', tabs: TABS, tab: 'available', items: [] },

  onLoad(query) {
    if (query && query.status) this.setData({ tab: query.status })
    return this.load()
  },

  fetch() {
    return http.get(api.Coupons, { status: this.data.tab }, { toast: false })
  },

  show(items) {
    this.setData({ items: items.map(present), state: items.length ? 'ready' : 'empty' })
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.key })
    return this.load()
  },

  onClaimMore() {
    wx.navigateTo({ url: '/pages/coupons/claim/claim' })
  }
}))
