// The order's parcel (物流): carrier, tracking number to copy, its state and events, newest first,
// as the server reports them (order.logistics); no parcel yet is the empty state.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const { single, withMixin } = require('../../../utils/loadable')
const { shanghaiTime } = require('../../../utils/format')
const words = require('../../../utils/words')

function presentParcel(order) {
  const parcel = order.logistics
  return Object.assign({}, parcel, {
    shipped_text: shanghaiTime(parcel.shipped_at),
    events: parcel.events.slice().reverse().map(entry => Object.assign({}, entry, { at_text: shanghaiTime(entry.at) })),
    receiver_text: order.receiver_name + ' ' + order.receiver_phone,
    address_text: [order.province, order.city, order.district, order.address_detail].join(' ')
  })
}

Page(withMixin(single, {
  data: { w: {}, state: 'loading', errorText: '', parcel: null },

  async onLoad(query) {
    this.orderId = query.id
    await words.use(this, 'order_logistics')
    return this.load()
  },

  fetch(quiet) {
    return http.get(api.Order(this.orderId), null, { toast: quiet })
  },

  show(order) {
    if (!order.logistics) return this.setData({ state: 'empty', parcel: null })
    this.setData({ parcel: presentParcel(order), state: 'ready' })
  },

  copyTracking() {
    wx.setClipboardData({ data: this.data.parcel.tracking_no })
  }
}))
