// The one wrapper around wx.request: base URL, token header, 401 -> log in again and retry once,
// Chinese error toasts from the API's error.message, and a loading indicator for submits.
const api = require('../config/api')
const auth = require('./auth')

// Words for when the server cannot be reached or answers with nothing to show (the fallbacks in toError) and the
// spinner's defaults while a request is on its way stay here, in the code: they must show without the server. Every
// other word a shopper reads is the server's (utils/words.js, GET /words).
const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试'
let loadingCount = 0

function showLoading(title) {
  if (loadingCount++ === 0) wx.showLoading({ title, mask: true })
}

function hideLoading() {
  if (loadingCount > 0 && --loadingCount === 0) wx.hideLoading()
}

/**
 * An API failure the page can show: message is Chinese, code is the API's machine code,
 * details holds field errors (422) keyed by field name.
 */
class ApiError extends Error {
  /** @param {string} message @param {string} code @param {number} statusCode @param {object} [details] */
  constructor(message, code, statusCode, details) {
    super(message)
    this.code = code
    this.statusCode = statusCode
    this.details = details || {}
  }
}

function send(options, token) {
  const header = Object.assign({ 'content-type': 'application/json' }, options.header || {})
  if (token) header.Authorization = 'Bearer ' + token
  return new Promise(resolve => {
    wx.request({
      url: api.BASE_URL + options.url,
      method: options.method || 'GET',
      data: options.data,
      header,
      success: res => resolve(res),
      fail: () => resolve(null)
    })
  })
}

function toError(res) {
  if (!res) return new ApiError(NETWORK_MESSAGE, 'NETWORK_ERROR', 0)
  const body = (res.data && res.data.error) || {}
  const message = body.message || (res.statusCode >= 500 ? '服务器开小差了，请稍后重试' : '请求失败，请稍后重试')
  return new ApiError(message, body.code || 'HTTP_' + res.statusCode, res.statusCode, body.details)
}

/**
 * @param {{url: string, method?: string, data?: any, header?: object, loading?: string|boolean, toast?: boolean,
 *   public?: boolean, etag?: string}} options
 *   loading: a title to show a blocking spinner (default for writes: "请稍候"); toast: false when the page shows the error itself;
 *   public: sent without logging in first; etag: sent as If-None-Match, and a 304 answer resolves null (unchanged).
 * @returns {Promise<any>} the response body
 */
async function request(options) {
  const method = (options.method || 'GET').toUpperCase()
  const loading = options.loading === undefined ? method !== 'GET' && '请稍候' : options.loading
  if (loading) showLoading(typeof loading === 'string' ? loading : '加载中')
  if (options.etag) options = Object.assign({}, options, { header: Object.assign({ 'If-None-Match': options.etag }, options.header) })
  try {
    let token = options.public ? '' : await auth.ensureLogin()
    let res = await send(options, token)
    if (options.etag && res && res.statusCode === 304) return null
    if (res && res.statusCode === 401 && !options.public) {
      auth.clearToken()
      token = await auth.login()
      res = await send(options, token)
    }
    if (res && res.statusCode >= 200 && res.statusCode < 300) return res.data
    throw toError(res)
  } catch (err) {
    const error = err instanceof ApiError ? err : new ApiError(err.message || NETWORK_MESSAGE, 'LOGIN_FAILED', 0)
    if (options.toast !== false) wx.showToast({ title: error.message, icon: 'none', duration: 2500 })
    throw error
  } finally {
    if (loading) hideLoading()
  }
}

/**
 * Upload a local file (wx.chooseMedia temp path) with the same token; resolves the stored file's URL.
 * @param {string} url endpoint path @param {string} filePath @returns {Promise<string>}
 */
async function upload(url, filePath) {
  const token = await auth.ensureLogin()
  const res = await new Promise(resolve => {
    wx.uploadFile({
      url: api.BASE_URL + url,
      filePath,
      name: 'file',
      header: { Authorization: 'Bearer ' + token },
      success: r => resolve(r),
      fail: () => resolve(null)
    })
  })
  let body = {}
  try {
    body = res ? JSON.parse(/** @type {string} */ (res.data) || '{}') : {}
  } catch (e) {
    body = {}
  }
  if (res && res.statusCode >= 200 && res.statusCode < 300 && body.url) return body.url
  throw toError(res && { statusCode: res.statusCode, data: body })
}

const get = (url, data, extra) => request(Object.assign({ url, data, method: 'GET' }, extra))
const post = (url, data, extra) => request(Object.assign({ url, data, method: 'POST' }, extra))
const put = (url, data, extra) => request(Object.assign({ url, data, method: 'PUT' }, extra))
const patch = (url, data, extra) => request(Object.assign({ url, data, method: 'PATCH' }, extra))
const del = (url, extra) => request(Object.assign({ url, method: 'DELETE' }, extra))

module.exports = { request, upload, get, post, put, patch, del, ApiError, NETWORK_MESSAGE }
