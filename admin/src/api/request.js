// The one request wrapper: token header, 401 → login, the API's Chinese error message shown once.
import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { OFFLINE } from '../utils/offline'
import { w } from '../utils/words'

export const API_BASE = '/api/admin'
const TOKEN_KEY = 'shop_admin_token'

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}

let onUnauthorized = () => {}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn
}

export function getToken() {
  return localStorage.getItem(TOKEN_KEY) || ''
}

export function setToken(token) {
  if (token) localStorage.setItem(TOKEN_KEY, token)
  else localStorage.removeItem(TOKEN_KEY)
}

export function buildUrl(path, params) {
  const url = API_BASE + path
  if (!params) return url
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    query.append(key, value)
  }
  const text = query.toString()
  return text ? `${url}?${text}` : url
}

/**
 * request('GET', '/orders', { params }) / request('POST', '/orders/1/cancel', { body }).
 * `quiet: ['PASSWORD_REQUIRED']` lets the caller handle those error codes itself without a toast; `quiet: true`
 * all of them (a preview that only informs).
 */
export function request(method, path, options = {}) {
  if (method === 'GET') return send(method, path, options)
  // One click = one request: the same change (method, path, body) asked again while it is still on its way
  // (a double click, a second tap on a button) shares the first request instead of sending another.
  const key = `${method} ${buildUrl(path, options.params)} ${JSON.stringify(options.body ?? null)}`
  if (!inFlight.has(key)) {
    changesRunning.value += 1
    inFlight.set(key, send(method, path, options).finally(() => {
      inFlight.delete(key)
      changesRunning.value -= 1
    }))
  }
  return inFlight.get(key)
}

const inFlight = new Map()
// How many changes are on their way: buttons that change something bind :loading/:disabled to it.
export const changesRunning = ref(0)

async function send(method, path, { params, body, quiet = [] } = {}) {
  const headers = { Accept: 'application/json' }
  const token = getToken()
  if (token) headers.Authorization = `Bearer ${token}`
  const form = typeof FormData !== 'undefined' && body instanceof FormData // a file upload: the browser sets its type
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json'
  let response
  try {
    response = await fetch(buildUrl(path, params), {
      method, headers, body: body === undefined || form ? body : JSON.stringify(body),
    })
  } catch (cause) {
    ElMessage.error(OFFLINE.network) // the server cannot be reached: the one word the admin keeps itself
    throw new ApiError(0, 'NETWORK_ERROR', OFFLINE.network)
  }
  const text = await response.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = text
    }
  }
  if (response.ok) return data
  const error = (data && data.error) || {}
  const message = error.message || w('common.request_failed', { status: response.status })
  const failure = new ApiError(response.status, error.code || `HTTP_${response.status}`, message, error.details)
  if (response.status === 401 && path !== '/auth/login') {
    setToken('')
    ElMessage.error(error.message || w('common.session_expired'))
    onUnauthorized()
    throw failure
  }
  if (quiet !== true && !quiet.includes(failure.code)) ElMessage.error(message)
  throw failure
}

export const get = (path, params, options) => request('GET', path, { ...options, params })
export const post = (path, body = {}, options) => request('POST', path, { ...options, body })
export const put = (path, body = {}, options) => request('PUT', path, { ...options, body })
export const patch = (path, body = {}, options) => request('PATCH', path, { ...options, body })
export const del = (path, options) => request('DELETE', path, options)

// Lists arrive as {items, total} (or a bare array); pages read them through this.
export function listOf(data) {
  if (Array.isArray(data)) return { items: data, total: data.length }
  if (!data) return { items: [], total: 0 }
  const items = data.items ?? data.results ?? data.data ?? []
  return { items, total: data.total ?? data.count ?? items.length }
}

// CSV exports need the token header too, so they are fetched and handed to the browser as a file.
export async function download(path, params, fallbackName) {
  const token = getToken()
  const response = await fetch(buildUrl(path, params), { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  if (!response.ok) {
    let message = w('common.export_failed', { status: response.status })
    try {
      message = (await response.json()).error?.message || message
    } catch {
      // not JSON
    }
    ElMessage.error(message)
    if (response.status === 401) onUnauthorized()
    throw new ApiError(response.status, 'EXPORT_FAILED', message)
  }
  const disposition = response.headers.get('Content-Disposition') || ''
  const match = disposition.match(/filename\*=UTF-8''([^;]+)/i) || disposition.match(/filename="?([^";]+)"?/i)
  const name = match ? decodeURIComponent(match[1]) : fallbackName
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
  return name
}
