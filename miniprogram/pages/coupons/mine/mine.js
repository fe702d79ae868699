// 我的优惠券 (O7): tabs 可使用 / 已使用 / 已过期; the status and its label come from the server.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiDate } = require('../../../utils/format')
const words = require('../../../utils/words')

// The statuses GET /coupons?status= takes; their words are the server's (coupon_mine.tab_<key>).
const TAB_KEYS = ['available', 'used', 'expired']

function present(c, w) {
  return Object.assign({}, c, {
    face: c.kind === 'percent' ? words.fill(w.percent_face, { rate: (100 - c.percent_off) / 10 }) : yuan(c.discount_fen),
    validity: c.valid_until ? words.fill(w.valid_until, { date: shanghaiDate(c.valid_until) }) : w.valid_forever
  })
}

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', tabs: [], tab: 'available', items: [] },

  async onLoad(query) {
    if (query && query.status) this.setData({ tab: query.status })
    const w = await words.use(this, 'coupon_mine')
    this.setData({ tabs: TAB_KEYS.map(key => ({ key, label: w['tab_' + key] })) })
    return this.load()
  },

  fetch() {
    return http.get(api.Coupons, { status: this.data.tab }, { toast: false })
  },

  show(items) {
    this.setData({ items: items.map(c => present(c, this.data.w)), state: items.length ? 'ready' : 'empty' })
  },

  onTab(e) {
    this.setData({ tab: e.currentTarget.dataset.key })
    return this.load()
  },

  onClaimMore() {
    wx.navigateTo({ url: '/pages/coupons/claim/claim' })
  }
}))
