// Load a page with miniprogram-simulate and drive it like WeChat would.
const path = require('path')
const simulate = require('miniprogram-simulate')

const ROOT = path.resolve(__dirname, '../..')

// simulate's built-in <button> is a bare slot that drops every attribute; this one keeps the open
// abilities (联系客服 and friends) as properties, so a test can read what WeChat would get.
require('j-component').register({
  id: 'button',
  tagName: 'wx-button',
  template: '<slot/>',
  properties: {
    openType: { type: String, value: '' },
    sessionFrom: { type: String, value: '' },
    sendMessageTitle: { type: String, value: '' },
    sendMessagePath: { type: String, value: '' },
    showMessageCard: { type: Boolean, value: false }
  }
})

/**
 * @param {string} pagePath e.g. 'pages/orders/list/list'
 * @param {object} [query] what WeChat passes to onLoad
 */
async function loadPage(pagePath, query) {
  jest.resetModules()
  const id = simulate.load(path.join(ROOT, pagePath), { compiler: 'simulate', rootPath: ROOT })
  const comp = simulate.render(id)
  comp.attach(document.createElement('parent-wrapper'))
  const page = comp.instance
  if (page.onLoad) await page.onLoad(query || {})
  if (page.onShow) await page.onShow()
  await settle()
  return { comp, page }
}

/** Let pending promises and timers (mocked WeChat callbacks) run. */
async function settle(ms) {
  for (let i = 0; i < 30; i++) await simulate.sleep(ms || 0)
}

/** Tap the element and wait for what it started. */
async function tap(comp, selector) {
  const node = comp.querySelector(selector)
  if (!node) throw new Error('no element ' + selector)
  node.dispatchEvent('tap')
  await settle()
}

function text(comp) {
  return comp.dom.textContent.replace(/\s+/g, ' ')
}

/** Wait until check() is truthy (for things that happen in the backend's worker). */
async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + (timeoutMs || 15000)
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + (what || 'condition'))
    await simulate.sleep(200)
  }
}

module.exports = { loadPage, settle, tap, text, waitFor, ROOT }
