// The screenshot harness (npm run screenshots): rpx becomes px the way a 375px-wide phone shows it, and a
// rendered page becomes one self-contained HTML file with its styles, WeChat's bars and what images show.
const { pageHtml, toPx } = require('../../screenshots/frame')
const { loadPage } = require('../support/page')
const { mockApi } = require('../support/mock-api')
const { order, page } = require('../support/fixtures')

test('750rpx is 375px, fractions and negatives included', () => {
  expect(toPx('width: 750rpx; margin: -20rpx 1rpx 1.5rpx 0')).toBe('width: 375px; margin: -10px 0.5px 0.75px 0')
})

test('a page becomes HTML with its wxss in px, the navigation bar, the tab bar and image sources', async () => {
  document.head.innerHTML = ''
  mockApi({ 'GET /orders': page([], { all: 0 }) })
  const { comp } = await loadPage('pages/mine/mine')
  const html = pageHtml(comp, 'pages/mine/mine')
  expect(html).toContain('.main--profile{')
  expect(html).toMatch(/\.main--avatar\{[^}]*width:55px/)
  expect(html).not.toMatch(/\d+rpx/)
  expect(html).toContain('<div class="wx-nav"')
  expect(html).toContain('>我的</div>') // the tab
  expect(html).toMatch(/<img src="data:image\/png;base64,/)

  document.head.innerHTML = ''
  mockApi({ 'GET /orders': page([order({ items: [Object.assign({}, order().items[0], { image: 'data:image/png;base64,AAAA' })] })]) })
  const list = await loadPage('pages/orders/list/list')
  expect(pageHtml(list.comp, 'pages/orders/list/list')).toContain('background-image: url(data:image/png;base64,AAAA)')
})
