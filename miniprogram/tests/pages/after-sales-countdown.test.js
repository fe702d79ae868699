const { loadPage, text } = require('../support/page')
const { mockApi } = require('../support/mock-api')
const { countdownLabel } = require('../../utils/countdown')

// A5: the stage's countdown starts from the server's words and seconds left, and keeps running on screen.
describe('after-sales countdown', () => {
  afterEach(() => jest.useRealTimers())

  test('the words are the server\'s: days and hours, hours and minutes, minutes, 已超时', () => {
    wx.setStorageSync('words', require('../support/words.json')) // GET /words, as the app keeps it
    expect(countdownLabel(86400 + 3 * 3600 + 59)).toBe('还剩 1天3小时')
    expect(countdownLabel(5 * 3600 + 20 * 60)).toBe('还剩 5小时20分')
    expect(countdownLabel(12 * 60 + 30)).toBe('还剩 12分钟')
    expect(countdownLabel(20)).toBe('还剩 1分钟')
    expect(countdownLabel(0)).toBe('已超时')
  })

  test('the case page counts down from the server\'s seconds left, whatever the phone\'s clock says', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'] })
    jest.setSystemTime(new Date('2030-01-01T00:00:00Z'))  // a phone clock years off the server's
    mockApi({
      'GET /after-sales/51': {
        id: 51, order_id: 9, type: 'return_refund', type_label: '退货退款', status: 'awaiting_return',
        status_label: '待寄回商品', actions: ['submit_return_shipment'], amount_fen: 2900, lines: [], photos: [],
        created_at: '2026-11-21T23:00:00+00:00', deadline_at: '2026-11-29T00:00:00+08:00',
        deadline_label: '还剩 1天0小时', deadline_seconds: 86400 + 60, deadline_for: 'shopper', deadline_stage: '顾客寄回商品'
      }
    })
    const { comp, page } = await loadPage('pages/after-sales/detail/detail', { id: '51' })
    expect(text(comp)).toContain('顾客寄回商品 还剩 1天0小时')
    jest.advanceTimersByTime(2 * 3600 * 1000)
    expect(page.data.aCase.deadline_label).toBe('还剩 22小时1分')
    jest.advanceTimersByTime(22 * 3600 * 1000 + 60 * 1000)
    expect(page.data.aCase.deadline_label).toBe('已超时')
    page.onUnload()
  })
})
