// 领券 (O7): the coupons the shop publishes; the server says which the shopper can still claim and why not.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiDate } = require('../../../utils/format')
const words = require('../../../utils/words')

function present(c) {
  const validity = c.valid_days ? '领取后 ' + c.valid_days + ' 天内有效' : (c.valid_until ? shanghaiDate(c.valid_until) + ' 前有效' : '')
  return Object.assign({}, c, {
    face: c.kind === 'percent' ? c.rule_text.replace(/^.*?打/, '').replace(/（.*$/, '') : yuan(c.discount_fen),
    validity,
    remaining_text: c.remaining === null ? '' : '剩余 ' + c.remaining + ' 张'
  })
}

Page(withMixin(single, {
  data: { state: 'loading', errorText: '', items: [], claiming: 0 },

  onLoad() {
    return this.load()
  },

  fetch() {
    return http.get(api.CouponsClaimable, null, { toast: false })
  },

  show(items) {
    this.setData({ items: items.map(present), state: items.length ? 'ready' : 'empty' })
  },

  async onClaim(e) {
    const id = Number(e.currentTarget.dataset.id)
    if (this.data.claiming) return
    this.setData({ claiming: id })
    try {
      await http.post(api.CouponClaim(id), null, { loading: '正在领取' })
      words.toast('coupon_claimed', 'success')
    } catch (error) {
      // request.js already showed the server's reason
    }
    this.setData({ claiming: 0 })
    return this.load(true)
  },

  onMine() {
    wx.navigateTo({ url: '/pages/coupons/mine/mine' })
  }
}))
