// Subscribe messages (N1): ask WeChat for the templates, then tell the shop which were accepted.
// Never blocks the flow: a refusal or failure only means no WeChat message, the in-app one still comes.
const api = require('../config/api')
const http = require('./request')

/** @param {string[]} keys template keys from config SUBSCRIBE_AT @returns {Promise<string[]>} accepted keys */
function askSubscribe(keys) {
  const ids = keys.map(key => api.SUBSCRIBE_TEMPLATES[key])
  return new Promise(resolve => {
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: res => resolve(keys.filter(key => res[api.SUBSCRIBE_TEMPLATES[key]] === 'accept')),
      fail: () => resolve([])
    })
  }).then(accepted => {
    if (!accepted.length) return accepted
    return http.post(api.Subscriptions, { templates: accepted }, { loading: false, toast: false })
      .then(() => accepted, () => accepted)
  })
}

module.exports = { askSubscribe }
