const { loadPage, tap, text } = require('../support/page')
const { mockApi, apiError } = require('../support/mock-api')

const ADDRESS = { id: 1, receiver: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园路 1 号', is_default: true }
const OTHER = Object.assign({}, ADDRESS, { id: 2, receiver: '李四', is_default: false })

describe('message centre', () => {
  test('lists messages, pages on reach-bottom and opens the order', async () => {
    const nav = jest.spyOn(wx, 'navigateTo')
    const first = Array.from({ length: 20 }, (_, i) => ({ id: i + 1, title: '退款成功', body: '你的退款 ¥66.00 已原路退回', order_id: 7, created_at: '2026-11-21T23:00:00+00:00', read: false }))
    const api = mockApi({
      'GET /messages': req => (req.data.page === 1 ? { items: first, total: 21 } : { items: [Object.assign({}, first[0], { id: 21 })], total: 21 })
    })
    const { comp, page } = await loadPage('pages/messages/messages')
    expect(text(comp)).toContain('退款成功')
    await page.onReachBottom()
    expect(page.data.items).toHaveLength(21)
    expect(api.find('GET /messages')).toHaveLength(2)
    await tap(comp, '.message')
    expect(nav).toHaveBeenCalledWith({ url: '/pages/orders/detail/detail?id=7' })
    expect(api.find('POST /messages/1/read')).toHaveLength(1)
    expect(page.data.items[0].unread).toBe(false)
  })

  test('empty and error states', async () => {
    mockApi({ 'GET /messages': { items: [], total: 0, unread: 0 } })
    let loaded = await loadPage('pages/messages/messages')
    expect(text(loaded.comp)).toContain('暂无消息')
    mockApi({ 'GET /messages': apiError(500, 'INTERNAL', '服务器开小差了') })
    loaded = await loadPage('pages/messages/messages')
    expect(text(loaded.comp)).toContain('服务器开小差了')
  })
})

describe('address book', () => {
  test('lists addresses with the default marked and sets another as default', async () => {
    const api = mockApi({ 'GET /addresses': [ADDRESS, OTHER], 'PUT /addresses/2': OTHER })
    const { comp } = await loadPage('pages/addresses/list/list')
    expect(text(comp)).toContain('默认')
    await tap(comp, '#default-2')
    const body = api.find('PUT /addresses/2')[0].data
    expect(body.is_default).toBe(true)
    expect(body.id).toBeUndefined()
  })

  test('deletes after confirmation', async () => {
    const api = mockApi({ 'GET /addresses': [ADDRESS], 'DELETE /addresses/1': '' })
    const { comp } = await loadPage('pages/addresses/list/list')
    await tap(comp, '#delete-1')
    expect(api.find('DELETE /addresses/1')).toHaveLength(1)
  })

  test('in select mode a tap picks the address for checkout', async () => {
    const back = jest.spyOn(wx, 'navigateBack')
    mockApi({ 'GET /addresses': [ADDRESS, OTHER] })
    const { page } = await loadPage('pages/addresses/list/list', { select: '1' })
    page.onPick({ currentTarget: { dataset: { id: 2 } } })
    expect(wx.getStorageSync('checkout_address_id')).toBe(2)
    expect(back).toHaveBeenCalled()
  })

  test('empty state', async () => {
    mockApi({ 'GET /addresses': [] })
    const { comp } = await loadPage('pages/addresses/list/list')
    expect(text(comp)).toContain('还没有收货地址')
  })

  test('the form checks receiver, mobile, region and detail before sending', async () => {
    const api = mockApi({})
    const { comp } = await loadPage('pages/addresses/edit/edit')
    await tap(comp, '#save')
    const shown = text(comp)
    expect(shown).toContain('请填写收货人')
    expect(shown).toContain('请填写正确的 11 位手机号')
    expect(shown).toContain('请选择所在地区')
    expect(shown).toContain('详细地址至少 4 个字')
    expect(api.calls.filter(c => c.path === '/addresses')).toHaveLength(0)
  })

  test('a new address is posted; the API\'s field messages are shown', async () => {
    const api = mockApi({
      'POST /addresses': apiError(422, 'VALIDATION_ERROR', '详细地址过长', { detail: '详细地址过长' })
    })
    const { comp, page } = await loadPage('pages/addresses/edit/edit')
    const input = (field, value) => page.onInput({ currentTarget: { dataset: { field } }, detail: { value } })
    input('receiver', '王五')
    input('phone', '13700001111')
    input('detail', '人民路 88 号')
    page.onRegion({ detail: { value: ['浙江省', '杭州市', '西湖区'] } })
    await tap(comp, '#save')
    expect(api.find('POST /addresses')[0].data).toEqual({
      receiver: '王五', phone: '13700001111', province: '浙江省', city: '杭州市', district: '西湖区', detail: '人民路 88 号', is_default: false
    })
    expect(text(comp)).toContain('详细地址过长')
  })

  test('editing loads the address and saves with PUT', async () => {
    const back = jest.spyOn(wx, 'navigateBack')
    const api = mockApi({ 'GET /addresses': [ADDRESS], 'PUT /addresses/1': ADDRESS })
    const { comp, page } = await loadPage('pages/addresses/edit/edit', { id: '1' })
    expect(page.data.form.receiver).toBe('张三')
    await tap(comp, '#save')
    expect(api.find('PUT /addresses/1')).toHaveLength(1)
    expect(back).toHaveBeenCalled()
  })
})
