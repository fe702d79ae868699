const { mockApi, apiError } = require('../support/mock-api')

function load() {
  jest.resetModules()
  return require('../../utils/request')
}

describe('the wx.request wrapper', () => {
  test('logs in with wx.login first and sends the token', async () => {
    const login = jest.spyOn(wx, 'login')
    const api = mockApi({ 'GET /orders': { items: [] } })
    const http = load()
    await http.get('/orders', { page: 1 })
    expect(login).toHaveBeenCalledTimes(1)
    expect(api.find('POST /auth/login')).toHaveLength(1)
    expect(api.find('GET /orders')[0].header.Authorization).toBe('Bearer test-token')
  })

  test('one login for concurrent requests', async () => {
    const api = mockApi({ 'GET /a': {}, 'GET /b': {} })
    const http = load()
    await Promise.all([http.get('/a'), http.get('/b')])
    expect(api.find('POST /auth/login')).toHaveLength(1)
  })

  test('a 401 logs in again and retries once', async () => {
    wx.setStorageSync('token', 'expired')
    let calls = 0
    const api = mockApi({ 'GET /orders': () => (++calls === 1 ? apiError(401, 'TOKEN_EXPIRED', '登录已过期，请重新登录') : { ok: true }) })
    const http = load()
    await expect(http.get('/orders')).resolves.toEqual({ ok: true })
    expect(api.find('GET /orders').map(c => c.header.Authorization)).toEqual(['Bearer expired', 'Bearer test-token'])
  })

  test('a second 401 is an error, not a loop', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const api = mockApi({ 'GET /orders': apiError(401, 'UNAUTHORIZED', '请先登录') })
    const http = load()
    await expect(http.get('/orders')).rejects.toMatchObject({ code: 'UNAUTHORIZED', statusCode: 401 })
    expect(api.find('GET /orders')).toHaveLength(2)
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先登录' }))
  })

  test('errors carry the Chinese message, code and field details; toast can be turned off', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    mockApi({ 'POST /addresses': apiError(422, 'VALIDATION_ERROR', '请填写收货人', { receiver: '请填写收货人' }) })
    const http = load()
    const error = await http.post('/addresses', {}, { toast: false }).catch(e => e)
    expect(error).toMatchObject({ message: '请填写收货人', code: 'VALIDATION_ERROR', details: { receiver: '请填写收货人' } })
    expect(toast).not.toHaveBeenCalled()
  })

  test('a network failure says so in Chinese', async () => {
    jest.spyOn(wx, 'request').mockImplementation(opts => {
      if (opts.url.endsWith('/auth/login')) opts.success({ statusCode: 200, data: { token: 't' }, header: {}, cookies: [], errMsg: '' })
      else opts.fail({ errMsg: 'request:fail timeout' })
      return /** @type {any} */ ({})
    })
    const http = load()
    await expect(http.get('/orders')).rejects.toMatchObject({ message: '网络连接失败，请检查网络后重试' })
  })

  test('writes show a blocking loading indicator that is always hidden', async () => {
    const show = jest.spyOn(wx, 'showLoading')
    const hide = jest.spyOn(wx, 'hideLoading')
    mockApi({ 'POST /orders/1/cancel': apiError(409, 'ORDER_NOT_CANCELLABLE', '订单已发货，无法取消') })
    const http = load()
    await http.post('/orders/1/cancel', {}).catch(() => {})
    expect(show).toHaveBeenCalledTimes(1)
    expect(hide).toHaveBeenCalledTimes(1)
  })
})
