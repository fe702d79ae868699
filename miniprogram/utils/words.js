// The shopper's words are the server's (issue 12): page titles, headings, form labels, placeholders, empty states
// and toasts come from GET /words (backend/shop/domain/labels.py SHOPPER_WORDS), one dictionary grouped by page plus
// `common` and `toast`. app.js asks for it at start; it is kept in storage with its version (the ETag) and asked
// again on each start with If-None-Match, so an unchanged dictionary costs a 304. A page that opens before the first
// answer waits for it (ready()). The words for when the server cannot be reached stay in utils/request.js.
const api = require('../config/api')
const http = require('./request')

const STORAGE_KEY = 'words'
/** @type {{version: string, words: Record<string, Record<string, string>>} | null} */
let known = null
/** @type {Promise<any> | null} */
let asking = null

function stored() {
  if (!known) known = wx.getStorageSync(STORAGE_KEY) || null
  return known
}

/** Asks the server for the dictionary (only what changed since the stored version); resolves what is known after. */
function refresh() {
  if (!asking) {
    const have = stored()
    asking = http.get(api.Words, null, { toast: false, public: true, etag: have ? have.version : '' })
      .then(body => {
        if (body && body.words) {
          known = body
          wx.setStorageSync(STORAGE_KEY, body)
        }
        return stored()
      }, () => stored())
      .then(result => {
        asking = null
        return result
      })
  }
  return asking
}

/** Resolves once words are known: at once when stored, else after the server's answer. */
function ready() {
  return stored() ? Promise.resolve(known) : refresh()
}

/**
 * A group's words over `common` ({} before any answer).
 * @param {string} group
 * @returns {Record<string, string>}
 */
function of(group) {
  const all = (stored() || { words: {} }).words || {}
  return Object.assign({}, all.common, all[group])
}

/**
 * Fills {name} placeholders of a server sentence: fill('共 {count} 件', {count: 2}).
 * @param {string} sentence @param {Record<string, any>} values
 */
function fill(sentence, values) {
  return String(sentence || '').replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole))
}

/**
 * A toast's words (the `toast` group), filled.
 * @param {string} key @param {Record<string, any>} [values]
 */
function say(key, values) {
  return fill(of('toast')[key], values || {})
}

/**
 * Shows a toast in the server's words (the `toast` group), once they are known.
 * @param {string} key @param {'success'|'none'} [icon] @param {Record<string, any>} [values]
 * @returns {Promise<void>}
 */
function toast(key, icon, values) {
  return ready().then(() => {
    wx.showToast({ title: say(key, values), icon: icon || 'none', duration: 2000 })
  })
}

/** The tab bar's words (app.json has them too, as WeChat requires, for before the first answer). */
function tabBar() {
  const w = of('common')
  ;[w.tab_home, w.tab_mine].forEach((text, index) => {
    if (text && wx.setTabBarItem) wx.setTabBarItem({ index, text, fail: () => {} })
  })
}

/**
 * Puts the page's words in data.w and its title in the navigation bar; pages call it first in onLoad.
 * @param {any} page the page (this) @param {string} group its group in the dictionary
 * @returns {Promise<Record<string, string>>}
 */
function use(page, group) {
  return ready().then(() => {
    const w = of(group)
    page.setData({ w })
    if (w.title) wx.setNavigationBarTitle({ title: w.title })
    return w
  })
}

module.exports = { ready, refresh, of, fill, say, toast, tabBar, use }
