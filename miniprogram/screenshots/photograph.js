// `npm run screenshots`, step 2: photograph each page written by pages.shots.js in Chromium, as a phone
// 375px wide at 2× pixels, into docs/screenshots/miniprogram/<page>.png.
const fs = require('fs')
const path = require('path')
const { chromium } = require('playwright-core')

const ROOT = path.resolve(__dirname, '..')
const HTML = process.env.SCREENSHOT_HTML_DIR || path.join(ROOT, '..', 'var', 'miniprogram-screens')
const OUT = path.join(ROOT, '..', 'docs', 'screenshots', 'miniprogram')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

async function main() {
  const pages = fs.readdirSync(HTML).filter(name => name.endsWith('.html')).sort()
  if (!pages.length) throw new Error('no pages in ' + HTML + ': run the jest step first (npm run screenshots)')
  fs.mkdirSync(OUT, { recursive: true })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  try {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, deviceScaleFactor: 2 })
    const tab = await context.newPage()
    for (const name of pages) {
      await tab.goto('file://' + path.join(HTML, name))
      await tab.evaluate(() => document.fonts.ready)
      // A screen as tall as the page, so the bars WeChat fixes to the bottom end the picture.
      const height = await tab.evaluate(() => document.documentElement.scrollHeight)
      await tab.setViewportSize({ width: 375, height: Math.max(667, height) })
      const file = path.join(OUT, name.replace(/\.html$/, '.png'))
      await tab.screenshot({ path: file })
      await tab.setViewportSize({ width: 375, height: 667 })
      console.log('wrote ' + path.relative(path.join(ROOT, '..'), file))
    }
  } finally {
    await browser.close()
  }
}

main().catch(error => {
  console.error(error)
  process.exit(1)
})
