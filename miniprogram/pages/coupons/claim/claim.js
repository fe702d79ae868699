// 领券 (O7): the coupons the shop publishes; the server says which the shopper can still claim and why not.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { yuan, shanghaiDate } = require('../../../utils/format')
const words = require('../../../utils/words')

function present(c, w) {
  const validity = c.valid_days ? words.fill(w.valid_days, { days: c.valid_days })
    : (c.valid_until ? words.fill(w.valid_until, { date: shanghaiDate(c.valid_until) }) : '')
  return Object.assign({}, c, {
    face: c.kind === 'percent' ? words.fill(w.percent_face, { rate: (100 - c.percent_off) / 10 }) : yuan(c.discount_fen),
    validity,
    remaining_text: c.remaining === null ? '' : words.fill(w.remaining, { count: c.remaining })
  })
}

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', items: [], claiming: 0 },

  async onLoad() {
    await words.use(this, 'coupon_claim')
    return this.load()
  },

  fetch() {
    return http.get(api.CouponsClaimable, null, { toast: false })
  },

  show(items) {
    this.setData({ items: items.map(c => present(c, this.data.w)), state: items.length ? 'ready' : 'empty' })
  },

  async onClaim(e) {
    const id = Number(e.currentTarget.dataset.id)
    if (this.data.claiming) return
    this.setData({ claiming: id })
    try {
      await http.post(api.CouponClaim(id), null, { loading: this.data.w.claiming })
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
