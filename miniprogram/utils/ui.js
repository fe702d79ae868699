// Small promise wrappers over WeChat dialogs; the buttons' default words are the server's (GET /words common).
const words = require('./words')

/** @returns {Promise<boolean>} true when the shopper pressed the confirm button */
function confirm(title, content, confirmText) {
  return new Promise(resolve => {
    wx.showModal({
      title,
      content,
      confirmText: confirmText || words.of('common').confirm,
      cancelText: words.of('common').cancel,
      confirmColor: '#e4393c',
      success: res => resolve(!!res.confirm),
      fail: () => resolve(false)
    })
  })
}

function toast(title, icon) {
  wx.showToast({ title, icon: icon || 'none', duration: 2000 })
}

module.exports = { confirm, toast }
