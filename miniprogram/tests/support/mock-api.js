// wx.request mocked by route: { 'GET /orders': body | (req) => body | { status, body } }.
const { afterSale } = require('./fixtures')
const TEMPLATE_KEYS = ['cancel_result', 'refund_succeeded', 'refund_failed', 'after_sale_result', 'modify_result', 'shipped']
// The server's words (GET /words): tests/api/test_mp_words.py keeps words.json equal to what the server serves.
const WORDS = require('./words.json')
const DEFAULTS = {
  'POST /auth/login': { token: 'test-token', user: { id: 1, nickname: '测试用户' } },
  'GET /words': WORDS,
  'GET /subscribe-templates': TEMPLATE_KEYS.map(key => ({ key, title: key, template_id: 'tmpl-' + key }))
}

function mockApi(routes) {
  const calls = []
  const spy = jest.spyOn(wx, 'request').mockImplementation(opts => {
    const url = opts.url.replace(/^https?:\/\/[^/]+\/api\/mp/, '')
    const [pathOnly, queryString] = url.split('?')
    const method = (opts.method || 'GET').toUpperCase()
    const req = { method, path: pathOnly, query: queryString, data: opts.data, header: opts.header || {} }
    calls.push(req)
    let status = 200
    let body
    const key = method + ' ' + pathOnly
    if (key in DEFAULTS && !(key in routes)) {
      body = DEFAULTS[key]
    } else if (key in routes) {
      const route = routes[key]
      body = typeof route === 'function' ? route(req) : route
      if (body && body.__status) {
        status = body.__status
        body = body.body
      }
    } else {
      status = 404
      body = { error: { code: 'NOT_FOUND', message: '资源不存在' } }
    }
    // The server sends every after-sales case with its buttons; a test gives only the actions (or buttons of its own).
    if (method === 'GET' && /^\/after-sales\/\d+$/.test(pathOnly) && status === 200) body = afterSale(body)
    setTimeout(() => opts.success && opts.success({ statusCode: status, data: body, header: {} }), 0)
    return /** @type {any} */ ({ abort() {} })
  })
  return { spy, calls, find: key => calls.filter(c => c.method + ' ' + c.path === key) }
}

/** A route answer with an HTTP error the API would send. */
function apiError(status, code, message, details) {
  return { __status: status, body: { error: { code, message, details: details || {} } } }
}

module.exports = { mockApi, apiError }
