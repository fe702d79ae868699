// Pay an order (O4): the shop's unified order gives pay_params, wx.requestPayment takes them as they are.
const api = require('../config/api')
const http = require('./request')
const words = require('./words')

/** @returns {Promise<boolean>} true when WeChat reports the payment done; false if the shopper closed it */
async function payOrder(orderId) {
  const result = await http.post(api.OrderPay(orderId), {}, { loading: words.of('common').paying || true })
  return new Promise(resolve => {
    wx.requestPayment(Object.assign({}, result.pay_params, {
      success: () => resolve(true),
      fail: () => resolve(false)
    }))
  })
}

module.exports = { payOrder }
