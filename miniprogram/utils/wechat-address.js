// 一键导入微信地址: the shopper picks one of their WeChat addresses; it becomes the shop's address body
// (the API validates it like any other). app.json declares chooseAddress in requiredPrivateInfos.
const words = require('./words')

/** @returns {Promise<{receiver: string, phone: string, province: string, city: string, district: string, detail: string} | null>}
 *  null when the shopper closed the picker or refused access */
function chooseWechatAddress() {
  return new Promise(resolve => {
    wx.chooseAddress({
      success: picked => resolve({
        receiver: (picked.userName || '').trim(),
        phone: (picked.telNumber || '').replace(/[\s-]/g, ''),
        province: picked.provinceName || '',
        city: picked.cityName || '',
        district: picked.countyName || '',
        detail: (picked.detailInfo || '').trim()
      }),
      fail: res => {
        if (/auth|deny|denied/.test(res.errMsg || '')) words.toast('address_permission')
        resolve(null)
      }
    })
  })
}

module.exports = { chooseWechatAddress }
