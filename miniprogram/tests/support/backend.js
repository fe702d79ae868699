// Talking to the real shop started by backend-setup.js: wx.request bridged to HTTP, direct API calls
// for arranging orders, the sandbox control API for "the shopper paid", and staff steps via the admin API.
const http = require('http')

// A fresh connection per request: gunicorn may close idle keep-alive sockets under Node's default agent.
const agent = new http.Agent({ keepAlive: false })
const state = process.env.SHOP_BACKEND ? JSON.parse(process.env.SHOP_BACKEND) : null
const describeBackend = state ? describe : describe.skip

function httpCall(method, url, body, headers) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined || body === null || method === 'GET' ? null : JSON.stringify(body)
    const req = http.request(url, {
      method,
      agent,
      headers: Object.assign({ 'content-type': 'application/json' }, headers || {},
        payload ? { 'content-length': Buffer.byteLength(payload) } : {})
    }, res => {
      let raw = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { raw += chunk })
      res.on('end', () => {
        let data = raw
        try { data = raw ? JSON.parse(raw) : '' } catch (e) { /* not JSON */ }
        resolve({ statusCode: res.statusCode, data, header: res.headers })
      })
    })
    req.on('error', reject)
    if (payload) req.write(payload)
    req.end()
  })
}

function withQuery(url, method, data) {
  if (method !== 'GET' || !data) return url
  const parts = Object.keys(data).filter(k => data[k] !== undefined && data[k] !== null && data[k] !== '')
    .map(k => encodeURIComponent(k) + '=' + encodeURIComponent(data[k]))
  return parts.length ? url + (url.indexOf('?') >= 0 ? '&' : '?') + parts.join('&') : url
}

/** Every wx.request of the pages goes to the real API; responses are recorded for inspection. */
function bridgeWx() {
  const responses = []
  jest.spyOn(wx, 'request').mockImplementation(opts => {
    const method = (opts.method || 'GET').toUpperCase()
    const url = withQuery(opts.url.replace(/^https?:\/\/[^/]+/, state.origin), method, opts.data)
    httpCall(method, url, opts.data, opts.header).then(res => {
      responses.push({ method, url, res })
      if (opts.success) opts.success(res)
    }, () => opts.fail && opts.fail({ errMsg: 'request:fail' }))
    return /** @type {any} */ ({ abort() {} })
  })
  return responses
}

/** A shopper: logs the pages in as sandbox-<code> and arranges data through the API directly. */
async function shopper(code) {
  global.__loginCode = code
  const login = await httpCall('POST', state.origin + '/api/mp/auth/login', { code })
  const token = login.data.token
  const call = async (method, apiPath, body, headers) => {
    const res = await httpCall(method, withQuery(state.origin + '/api/mp' + apiPath, method, body), body,
      Object.assign({ Authorization: 'Bearer ' + token }, headers || {}))
    if (res.statusCode >= 400) throw new Error(`${method} ${apiPath} -> ${res.statusCode} ${JSON.stringify(res.data)}`)
    return res.data
  }
  let addressId = null
  async function placeOrder(items, extra) {
    if (!addressId) {
      const address = await call('POST', '/addresses', {
        receiver: '测试顾客', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区',
        detail: '科技园路 1 号 2 栋 301', is_default: true
      })
      addressId = address.id
    }
    return call('POST', '/orders', Object.assign({ items: items || [{ sku_id: 1, quantity: 2 }], address_id: addressId }, extra),
      { 'Idempotency-Key': `t-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` })
  }
  async function payOrder(orderId) {
    const pay = await call('POST', `/orders/${orderId}/pay`, {})
    await sandboxPay(pay.out_trade_no)
    return waitForStatus(orderId, status => status !== 'pending_payment')
  }
  async function waitForStatus(orderId, ok) {
    const deadline = Date.now() + 15000
    for (;;) {
      const order = await call('GET', `/orders/${orderId}`)
      if (ok(order.status, order)) return order
      if (Date.now() > deadline) throw new Error(`order ${orderId} stayed ${order.status}`)
      await new Promise(resolve => setTimeout(resolve, 200))
    }
  }
  return { code, token, call, placeOrder, payOrder, waitForStatus }
}

/** The sandbox's control API: the shopper paid this WeChat order. */
async function sandboxPay(outTradeNo) {
  const res = await httpCall('POST', state.sandbox + '/__control__/pay', { out_trade_no: outTradeNo })
  if (res.statusCode !== 200) throw new Error('sandbox pay failed: ' + JSON.stringify(res.data))
  return res.data
}

/** wx.requestPayment that "pays" in the sandbox the order whose pay_params the page got. */
function payInSandbox(responses) {
  jest.spyOn(wx, 'requestPayment').mockImplementation(opts => {
    const last = responses.filter(r => r.res.data && r.res.data.out_trade_no).pop()
    sandboxPay(last.res.data.out_trade_no).then(() => opts.success && opts.success(/** @type {any} */ ({})))
  })
}

/** Staff steps (accept, ship, approve a request), through the admin API as the demo administrator:
 * an HTTP call, not a new Python process per step (that took seconds each on a busy machine). */
let staffToken = null
async function staff(step, id) {
  if (!staffToken) {
    const login = await httpCall('POST', state.origin + '/api/admin/auth/login', { username: 'admin', password: 'demo1234' })
    if (login.statusCode !== 200) throw new Error('staff login failed: ' + JSON.stringify(login.data))
    staffToken = login.data.token
  }
  const [apiPath, body] = {
    accept: [`/orders/${id}/accept`, {}],
    ship: [`/orders/${id}/ship`, { carrier: '顺丰速运', tracking_no: `SF${id}0001` }],
    approve: [`/requests/${id}/approve`, { note: '同意' }]
  }[step]
  const res = await httpCall('POST', state.origin + '/api/admin' + apiPath, body, { Authorization: 'Bearer ' + staffToken })
  if (res.statusCode >= 400) throw new Error(`staff ${step} ${id} -> ${res.statusCode} ${JSON.stringify(res.data)}`)
  return res.data
}

/** Waits until the shipping upload (a worker's job after staff ship) has reached WeChat for this payment. */
async function wechatHasShipment(outTradeNo) {
  const deadline = Date.now() + 20000
  for (;;) {
    const res = await httpCall('GET', state.sandbox + '/__control__/shipping')
    const record = ((res.data && res.data.shipping) || []).find(r => r.out_trade_no === outTradeNo)
    if (record && record.uploads.length) return record
    if (Date.now() > deadline) throw new Error(`WeChat never received the shipment of ${outTradeNo}: ${JSON.stringify(record)}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

module.exports = { state, describeBackend, bridgeWx, shopper, sandboxPay, payInSandbox, staff, httpCall, wechatHasShipment }
