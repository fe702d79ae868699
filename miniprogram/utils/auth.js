// Login (O1): wx.login code -> POST /auth/login -> API token kept in storage. Its failure words stay in the code, like
// request.js's network words: they show when WeChat or the server could not be reached (the server's own message wins).
const api = require('../config/api')

const TOKEN_KEY = 'token'
const USER_KEY = 'user'
let pending = null

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || ''
}

function getUser() {
  return wx.getStorageSync(USER_KEY) || null
}

function clearToken() {
  wx.removeStorageSync(TOKEN_KEY)
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: res => (res.code ? resolve(res.code) : reject(new Error('微信登录失败，请重试'))),
      fail: () => reject(new Error('微信登录失败，请重试'))
    })
  })
}

function exchangeCode(code) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: api.BASE_URL + api.AuthLogin,
      method: 'POST',
      data: { code },
      header: { 'content-type': 'application/json' },
      success: res => {
        const body = /** @type {any} */ (res.data) || {}
        if (res.statusCode === 200 && body.token) {
          resolve(body)
        } else {
          reject(new Error((body.error && body.error.message) || '登录失败，请稍后重试'))
        }
      },
      fail: () => reject(new Error('网络连接失败，请检查网络后重试'))
    })
  })
}

/** Log in once even when several requests need a token at the same moment. */
function login() {
  if (!pending) {
    pending = wxLoginCode()
      .then(exchangeCode)
      .then(body => {
        wx.setStorageSync(TOKEN_KEY, body.token)
        wx.setStorageSync(USER_KEY, body.user)
        return body.token
      })
      .finally(() => {
        pending = null
      })
  }
  return pending
}

function ensureLogin() {
  const token = getToken()
  return token ? Promise.resolve(token) : login()
}

module.exports = { login, ensureLogin, getToken, getUser, clearToken }
