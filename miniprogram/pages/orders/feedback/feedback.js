// Feedback after a cancel (C6): a 1–5 rating and optional text; staff read it in the admin.
const api = require('../../../config/api')
const http = require('../../../utils/request')
const words = require('../../../utils/words')

Page({
  data: { w: /** @type {Record<string, string>} */ ({}), orderId: '', rating: 0, ratingLabel: '', stars: [1, 2, 3, 4, 5], text: '', formError: '', submitting: false },

  onLoad(query) {
    this.setData({ orderId: query.id })
    return words.use(this, 'order_feedback').then(() => {})
  },

  onRate(e) {
    const rating = Number(e.currentTarget.dataset.value)
    this.setData({ rating, ratingLabel: this.data.w['rating_' + rating] || '', formError: '' })
  },

  onText(e) {
    this.setData({ text: e.detail.value })
  },

  async onSubmit() {
    if (!this.data.rating) {
      this.setData({ formError: this.data.w.need_rating })
      return
    }
    this.setData({ submitting: true })
    try {
      await http.post(api.OrderFeedback(this.data.orderId), { rating: this.data.rating, text: this.data.text.trim() })
      words.toast('feedback_thanks', 'success')
      wx.navigateBack({ delta: 1 })
    } catch (error) {
      this.setData({ formError: error.message })
    } finally {
      this.setData({ submitting: false })
    }
  }
})
