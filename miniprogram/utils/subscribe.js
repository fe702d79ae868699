// Subscribe messages (N1): ask WeChat for the templates, then tell the shop which were accepted.
// Never blocks the flow: a refusal or failure only means no WeChat message, the in-app one still comes.
const api = require('../config/api')
const http = require('./request')

let templateIds = null // template key -> WeChat template id

/** Load the template ids when the page opens: WeChat only shows the dialog straight from a tap. */
function preloadTemplates() {
  return http.get(api.SubscribeTemplates, null, { toast: false }).then(list => {
    templateIds = {}
    list.forEach(t => { templateIds[t.key] = t.template_id })
  }, () => {})
}

/** @param {string[]} keys template keys from config SUBSCRIBE_AT @returns {Promise<string[]>} accepted keys */
function askSubscribe(keys) {
  const ids = templateIds || {}
  const wanted = keys.filter(key => ids[key])
  if (!wanted.length) return Promise.resolve([])
  return new Promise(resolve => {
    wx.requestSubscribeMessage({
      tmplIds: wanted.map(key => ids[key]),
      success: res => resolve(wanted.filter(key => res[ids[key]] === 'accept')),
      fail: () => resolve([])
    })
  }).then(accepted => {
    if (!accepted.length) return accepted
    return http.post(api.Subscriptions, { templates: accepted }, { loading: false, toast: false })
      .then(() => accepted, () => accepted)
  })
}

module.exports = { preloadTemplates, askSubscribe }
