// The admin's first load in Chromium, before and after, side by side (issue 12: "size and time before and after").
// Started by scripts/admin_first_load.py, which builds both and serves each through gunicorn:
//
//   node e2e/first-load.js '{"before": "http://127.0.0.1:8761", "after": "http://127.0.0.1:8762", "runs": 5}'
//
// For each network profile and run, one cold visit of /admin/login per variant (a fresh browser context: empty
// cache), the variants interleaved (their order alternating run by run), then a second visit in the same context
// (warm cache: what the Cache-Control headers let the browser keep). Throttled with CDP
// Network.emulateNetworkConditions. Prints one table of medians and the raw runs as JSON on the last line.
import { chromium } from 'playwright-core'

const config = JSON.parse(process.argv[2] || '{}')
const RUNS = config.runs || 5
const VARIANTS = ['before', 'after'].filter((name) => config[name])
const mbit = (n) => (n * 1000 * 1000) / 8 // bytes per second
export const PROFILES = {
  '4G': { latency: 20, downloadThroughput: mbit(9), uploadThroughput: mbit(1.5) },
  'fast 3G': { latency: 562.5, downloadThroughput: mbit(1.44), uploadThroughput: mbit(0.675) },
}

// In the page, from the navigation's start: the first frame in which the login form's button is laid out and
// visible (its stylesheet applied: a rendered box, not display:none or visibility:hidden).
const FORM_VISIBLE = `(() => {
  const check = () => {
    const button = document.querySelector('[data-test="login-submit"]')
    if (button && button.getBoundingClientRect().height > 0 && getComputedStyle(button).visibility === 'visible') {
      window.__formVisibleMs = performance.now()
      return
    }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()`

async function visit(context, url, profile) {
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...PROFILES[profile] })
  const requests = new Map()
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => requests.set(requestId, { url: request.url, bytes: 0 }))
  cdp.on('Network.requestServedFromCache', ({ requestId }) => { if (requests.has(requestId)) requests.get(requestId).cache = true })
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    const entry = requests.get(requestId)
    if (entry) Object.assign(entry, { status: response.status, cache: entry.cache || response.fromDiskCache })
  })
  // the status on the wire: a revalidated file is a 304 here, while responseReceived shows the cached 200
  cdp.on('Network.responseReceivedExtraInfo', ({ requestId, statusCode }) => {
    if (requests.has(requestId)) requests.get(requestId).wire = statusCode
  })
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    if (requests.has(requestId)) requests.get(requestId).bytes = encodedDataLength
  })
  await page.addInitScript(FORM_VISIBLE)
  await page.goto(`${url}/admin/login`, { waitUntil: 'load' })
  await page.waitForFunction(() => window.__formVisibleMs !== undefined, null, { timeout: 120000 })
  const timing = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation')
    return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, form: window.__formVisibleMs }
  })
  const list = [...requests.values()]
  await page.close()
  return {
    ...timing,
    bytes: list.reduce((sum, entry) => sum + entry.bytes, 0),
    requests: list.length,
    fromCache: list.filter((entry) => entry.cache).length,
    revalidated: list.filter((entry) => entry.wire === 304 || entry.status === 304).length,
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
const results = [] // { profile, variant, visit: 'cold' | 'warm', run, ...measure }
try {
  for (const profile of Object.keys(PROFILES)) {
    for (let run = 1; run <= RUNS; run += 1) {
      const order = run % 2 ? VARIANTS : [...VARIANTS].reverse()
      for (const variant of order) {
        const context = await browser.newContext() // empty cache
        results.push({ profile, variant, visit: 'cold', run, ...(await visit(context, config[variant], profile)) })
        results.push({ profile, variant, visit: 'warm', run, ...(await visit(context, config[variant], profile)) })
        await context.close()
      }
      process.stderr.write(`${profile} run ${run}/${RUNS} done\n`)
    }
  }
} finally {
  await browser.close()
}

const kB = (n) => `${(n / 1024).toFixed(1)} kB`
const ms = (n) => `${Math.round(n)} ms`
const rows = []
for (const profile of Object.keys(PROFILES)) {
  for (const visitKind of ['cold', 'warm']) {
    for (const variant of VARIANTS) {
      const runs = results.filter((r) => r.profile === profile && r.visit === visitKind && r.variant === variant)
      const m = (key) => median(runs.map((r) => r[key]))
      rows.push([profile, visitKind, variant, kB(m('bytes')), `${m('requests')} (${m('fromCache')} cache, ${m('revalidated')} 304)`,
        ms(m('dcl')), ms(m('load')), ms(m('form'))])
    }
  }
}
const header = ['network', 'visit', 'build', 'transferred', 'requests', 'DOMContentLoaded', 'load', 'login form visible']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`
console.log(`/admin/login, Chromium, median of ${RUNS} runs per row (cold: empty cache; warm: the second visit)`)
console.log(line(header))
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
for (const row of rows) console.log(line(row))
console.log(JSON.stringify(results))
