// HTTP helpers: the shopper side through the mini-program API, staff shortcuts through the admin API,
// and the WeChat sandbox control API. Used to set the stage; what is under test happens in the browser.
export class HttpError extends Error {
  constructor(status, body) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`)
    this.status = status
    this.body = body
  }
}

async function call(method, url, { token, body } = {}) {
  const headers = { Accept: 'application/json' }
  if (token) headers.Authorization = `Bearer ${token}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const reply = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await reply.text()
  let data = text
  try { data = text ? JSON.parse(text) : null } catch { /* not JSON */ }
  if (!reply.ok) throw new HttpError(reply.status, data)
  return data
}

export function clients(system) {
  const { baseUrl, sandboxUrl } = system

  async function shopper(code) {
    const { token } = await call('POST', `${baseUrl}/api/mp/auth/login`, { body: { code } })
    const mp = (method, p, body) => call(method, `${baseUrl}/api/mp${p}`, { token, body })
    const address = await mp('POST', '/addresses', {
      receiver: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区',
      detail: '科技园路 1 号 2 栋 301', is_default: true,
    })
    return {
      call: mp,
      async placeOrder(quantity = 1, productIndex = 0) {
        const products = await mp('GET', '/products?per_page=50')
        const items = products.items ?? products
        const sku = items[productIndex].skus[0]
        return mp('POST', '/orders', { items: [{ sku_id: sku.id, quantity }], address_id: address.id })
      },
      async pay(order) {
        const { out_trade_no: outTradeNo } = await mp('POST', `/orders/${order.id}/pay`)
        await call('POST', `${sandboxUrl}/__control__/pay`, { body: { out_trade_no: outTradeNo } })
        const paid = await waitForOrder(() => mp('GET', `/orders/${order.id}`), (o) => o.status === 'paid', 'order paid')
        return { ...paid, out_trade_no: outTradeNo }
      },
      cancel: (order, reasonCode = 'changed_mind', reasonText = '') =>
        mp('POST', `/orders/${order.id}/cancel`, { reason_code: reasonCode, reason_text: reasonText }),
      order: (id) => mp('GET', `/orders/${id}`),
      // As the mini-program does: when WeChat manages the order's shipping, the shopper confirms inside
      // WeChat first (the sandbox plays the shopper once the shipment has reached WeChat).
      async confirmReceipt(order) {
        const current = await mp('GET', `/orders/${order.id}`)
        if (current.actions.includes('confirm_receipt_in_wechat')) {
          const outTradeNo = current.wechat_confirm.merchant_trade_no
          await waitForOrder(
            () => call('POST', `${sandboxUrl}/__control__/shipping/confirm`, { body: { out_trade_no: outTradeNo } })
              .then(() => true, () => false),
            (confirmed) => confirmed, 'WeChat to see the shipment', 60000)
        }
        return mp('POST', `/orders/${order.id}/confirm-receipt`)
      },
    }
  }

  async function staff(username, password = 'demo1234') {
    const { token } = await call('POST', `${baseUrl}/api/admin/auth/login`, { body: { username, password } })
    return {
      token,
      get: (p) => call('GET', `${baseUrl}/api/admin${p}`, { token }),
      post: (p, body = {}) => call('POST', `${baseUrl}/api/admin${p}`, { token, body }),
    }
  }

  const sandbox = {
    // WeChat Pay v3 names (the shop's default protocol): v3_refund, SYSTEM_ERROR.
    faults: (endpoint, error, times) => call('POST', `${sandboxUrl}/__control__/faults`, { body: { endpoint, error, times } }),
    refunds: () => call('GET', `${sandboxUrl}/__control__/refunds`),
    // A shopper complains to WeChat Pay about a paid order (消费者投诉2.0); WeChat notifies the shop.
    complain: (outTradeNo, text) => call('POST', `${sandboxUrl}/__control__/complaints`, { body: { out_trade_no: outTradeNo, text } }),
    complaints: () => call('GET', `${sandboxUrl}/__control__/complaints`),
    notifications: () => call('GET', `${sandboxUrl}/__control__/notifications`),
  }

  return { shopper, staff, sandbox }
}

async function waitForOrder(load, ok, what, timeout = 20000) {
  const deadline = Date.now() + timeout
  let order
  while (Date.now() < deadline) {
    order = await load()
    if (ok(order)) return order
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`timed out waiting for ${what}; last status ${order?.status}`)
}
