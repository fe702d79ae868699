import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn(), success: vi.fn(), warning: vi.fn() } }))

const { ElMessage } = await import('element-plus')
const { request, setToken, setUnauthorizedHandler, listOf, ApiError, changesRunning } = await import('../src/api/request')

function reply(status, body) {
  return { ok: status >= 200 && status < 300, status, text: async () => (body === undefined ? '' : JSON.stringify(body)) }
}

describe('request wrapper', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.clearAllMocks()
  })
  afterEach(() => vi.unstubAllGlobals())

  it('sends the bearer token and JSON body to /api/admin', async () => {
    const fetch = vi.fn().mockResolvedValue(reply(200, { ok: true }))
    vi.stubGlobal('fetch', fetch)
    setToken('t-123')
    const data = await request('POST', '/orders/7/ship', { body: { carrier: '顺丰速运' } })
    expect(data).toEqual({ ok: true })
    const [url, init] = fetch.mock.calls[0]
    expect(url).toBe('/api/admin/orders/7/ship')
    expect(init.headers.Authorization).toBe('Bearer t-123')
    expect(JSON.parse(init.body)).toEqual({ carrier: '顺丰速运' })
  })

  it('sends one request for a double click on a change, and a new one once it has answered', async () => {
    let answer
    const fetch = vi.fn().mockImplementation(() => new Promise((resolve) => { answer = resolve }))
    vi.stubGlobal('fetch', fetch)
    const first = request('POST', '/after-sales/3/receive', { body: { resellable: true } })
    const second = request('POST', '/after-sales/3/receive', { body: { resellable: true } })
    expect(changesRunning.value).toBe(1)
    answer(reply(200, { status: 'completed' }))
    expect(await first).toEqual({ status: 'completed' })
    expect(await second).toEqual({ status: 'completed' })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(changesRunning.value).toBe(0)
    fetch.mockResolvedValue(reply(200, {}))
    await request('POST', '/after-sales/3/receive', { body: { resellable: true } })
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('drops empty query parameters', async () => {
    const fetch = vi.fn().mockResolvedValue(reply(200, []))
    vi.stubGlobal('fetch', fetch)
    await request('GET', '/orders', { params: { status: 'paid', q: '', page: 2, x: null } })
    expect(fetch.mock.calls[0][0]).toBe('/api/admin/orders?status=paid&page=2')
  })

  it('shows the API\'s Chinese message and throws its code', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(409, {
      error: { code: 'ORDER_NOT_CANCELLABLE', message: '订单已发货，无法取消', details: {} },
    })))
    const failure = await request('POST', '/orders/1/cancel', { body: {} }).catch((e) => e)
    expect(failure).toBeInstanceOf(ApiError)
    expect(failure.code).toBe('ORDER_NOT_CANCELLABLE')
    expect(ElMessage.error).toHaveBeenCalledWith('订单已发货，无法取消')
  })

  it('leaves quiet error codes to the caller', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(403, {
      error: { code: 'PASSWORD_REQUIRED', message: '请输入密码进行二次验证' },
    })))
    const failure = await request('POST', '/orders/1/cancel', { body: {}, quiet: ['PASSWORD_REQUIRED'] }).catch((e) => e)
    expect(failure.code).toBe('PASSWORD_REQUIRED')
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('on 401 forgets the token and sends staff to the login page', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(401, { error: { code: 'UNAUTHORIZED', message: '登录已失效，请重新登录' } })))
    const toLogin = vi.fn()
    setUnauthorizedHandler(toLogin)
    setToken('expired')
    await request('GET', '/orders').catch(() => {})
    expect(toLogin).toHaveBeenCalledOnce()
    expect(localStorage.getItem('shop_admin_token')).toBeNull()
    expect(ElMessage.error).toHaveBeenCalledWith('登录已失效，请重新登录')
  })

  it('reports a network failure in Chinese', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const failure = await request('GET', '/orders').catch((e) => e)
    expect(failure.code).toBe('NETWORK_ERROR')
    expect(ElMessage.error).toHaveBeenCalledWith('网络异常，请检查网络后重试')
  })

  it('reads lists with or without an envelope', () => {
    expect(listOf({ items: [1, 2], total: 9 })).toEqual({ items: [1, 2], total: 9 })
    expect(listOf([1])).toEqual({ items: [1], total: 1 })
  })
})
