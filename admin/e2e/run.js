// End-to-end: the real system (launcher, sandbox, worker) driven through the admin in real Chromium.
// Usage: npm run test:e2e   (builds admin/dist first when it is missing)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { REPO, startSystem, waitFor } from './system.js'
import { clients } from './api.js'

const ADMIN = path.join(REPO, 'admin')
const SHOTS = path.join(REPO, 'docs', 'screenshots')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

if (!existsSync(path.join(ADMIN, 'dist', 'index.html')) || process.env.E2E_BUILD) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ADMIN, stdio: 'inherit' })
  if (build.status !== 0) process.exit(1)
}
mkdirSync(SHOTS, { recursive: true })

const started = Date.now()
// The browser first: when it cannot start, no system is left running behind it.
const profile = mkdtempSync(path.join(os.tmpdir(), 'shop-e2e-chromium-'))
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
  viewport: { width: 1440, height: 900 },
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  acceptDownloads: true,
})
context.setDefaultTimeout(15000)
// Element Plus toasts (ElMessage) go away after 3 s, and on a busy machine a look for one can come later than
// that. So every page keeps each toast as it appears (a MutationObserver), and a scenario waits for that record
// (`toast`), never for the toast to be on the screen still.
await context.addInitScript(() => {
  window.__toasts = []
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeType === 1 && node.classList.contains('el-message')) window.__toasts.push(node)
      }
    }
  }).observe(document, { childList: true, subtree: true })
})
const system = await startSystem().catch(async (error) => {
  await context.close()
  throw error
})
const { shopper, staff, sandbox } = clients(system)
const admin = (p = '') => `${system.baseUrl}/admin/${p.replace(/^\//, '')}`

async function loginAs(username) {
  const page = await context.newPage()
  await page.goto(admin('login'))
  await page.evaluate(() => localStorage.clear())
  await page.goto(admin('login'))
  await page.fill('input[name="username"]', username)
  await page.fill('input[name="password"]', 'demo1234')
  await page.click('[data-test="login-submit"]')
  await page.waitForURL(/\/admin\/dashboard/)
  await page.waitForSelector('[data-test="staff-name"]')
  return page
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

// The next toast of this kind ('success', 'error', ...; '' for any) holding `text` that the page showed since
// the last one a scenario waited for; each toast is taken once.
async function toast(page, kind = 'success', text = '') {
  await page.waitForFunction(([kind, text]) => {
    const found = (window.__toasts || []).find((node) => !node.__taken
      && (!kind || node.classList.contains(`el-message--${kind}`)) && node.textContent.includes(text))
    if (found) found.__taken = true
    return Boolean(found)
  }, [kind, text], { polling: 100 })
}

/** Whether the page showed a toast of this kind at any time (e.g. an error beside a success). */
const showedToast = (page, kind) => page.evaluate((kind) => (window.__toasts || []).some(
  (node) => node.classList.contains(`el-message--${kind}`)), kind)

async function shot(page, name) {
  await page.waitForTimeout(500)  // let Element Plus transitions finish
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

async function paidOrder(code, quantity = 1, productIndex = 0) {
  const buyer = await shopper(code)
  const order = await buyer.placeOrder(quantity, productIndex)
  return { buyer, order: await buyer.pay(order) }
}

async function refundsOf(finance, orderNo) {
  const data = await finance.get(`/refunds?order_no=${encodeURIComponent(orderNo)}`)
  return data.items
}

const scenarios = {
  async 'a supervisor approves a shopper\'s cancel request and sees the refund succeeded'() {
    const supervisor = await staff('supervisor')
    const { buyer, order } = await paidOrder('alice')
    await supervisor.post(`/orders/${order.id}/accept`)
    await buyer.cancel(order, 'changed_mind')
    const page = await loginAs('supervisor')
    await page.goto(admin('reviews?kind=cancel'))
    const row = page.locator('[data-test="request-table"] .el-table__row', { hasText: order.order_no })
    await row.waitFor()
    await row.locator('.el-table__expand-icon').click()
    await page.locator('[data-test="request-metrics"]').waitFor()
    await shot(page, 'reviews')
    await row.getByRole('button', { name: '同意' }).click()
    await confirmBox(page)
    await toast(page)
    // The refund goes out through the worker and WeChat: the API says when it has succeeded (a wait on that
    // event, as the other refund scenarios do), then the order page must show it. Reloading the page inside the
    // wait spent most of its 30 s on page loads right after start, while the demo scenarios still ran.
    const finance = await staff('finance')
    await waitFor(async () => (await refundsOf(finance, order.order_no)).some((r) => r.status === 'succeeded'),
      { timeout: 60000, interval: 1000, what: 'the refund to succeed' })
    await page.goto(admin(`orders/${order.id}`))
    await page.locator('[data-test="order-refunds"] [data-status="succeeded"]').waitFor()
    const status = await page.locator('[data-test="order-status"]').innerText()
    if (!status.includes('已取消')) throw new Error(`order status shows ${status}`)
    await shot(page, 'order-detail')
    await page.close()
  },

  async 'customer service cannot cancel a paid order'() {
    const { order } = await paidOrder('bob')
    const page = await loginAs('service')
    await page.goto(admin(`orders/${order.id}`))
    await page.locator('[data-test="order-status"]').waitFor()
    await page.locator('[data-test="order-actions"]').waitFor({ state: 'attached' })
    if (await page.locator('[data-test="action-cancel"]').count()) throw new Error('客服 sees a cancel button on a paid order')
    const service = await staff('service')
    const refused = await service.post(`/orders/${order.id}/cancel`, { reason_code: 'out_of_stock', reason_text: '' })
      .then(() => null, (error) => error)
    if (!refused || refused.status !== 403) throw new Error(`the API did not refuse: ${refused?.message ?? 'accepted'}`)
    await page.close()
  },

  async 'customer service modifies an accepted order from its page and it applies at once'() {
    const { order } = await paidOrder('erin')
    await (await staff('warehouse')).post(`/orders/${order.id}/accept`)
    const page = await loginAs('service')
    await page.goto(admin(`orders/${order.id}`))
    await page.locator('[data-test="action-modify"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '修改订单' })
    await dialog.locator('[data-test="modify-phone"]').fill('13900139000')
    await dialog.locator('textarea').fill('请工作日白天送达')
    await shot(page, 'order-modify')
    await dialog.locator('[data-test="modify-confirm"]').click()
    await toast(page, 'success', '订单已修改')
    await page.locator('[data-test="order-detail"]', { hasText: '请工作日白天送达' }).waitFor()
    if (!(await page.locator('[data-test="order-detail"]').innerText()).includes('13900139000')) throw new Error('the new phone is not shown')
    if (await page.locator('[data-test="action-approve_modify"]').count()) throw new Error('a staff change became a request')
    await page.close()
  },

  async 'a refund that failed three times is retried by finance and succeeds'() {
    const finance = await staff('finance')
    await sandbox.faults('v3_refund', 'SYSTEM_ERROR', 3)
    const { buyer, order } = await paidOrder('carol')
    await buyer.cancel(order, 'changed_mind')
    const [refund] = await waitFor(async () => {
      const rows = await refundsOf(finance, order.order_no)
      return rows.length && rows[0].status === 'abnormal' ? rows : null
    }, { timeout: 60000, interval: 1000, what: 'the refund to become abnormal after three failures' })
    if (refund.attempts < 3) throw new Error(`only ${refund.attempts} attempts recorded`)
    const page = await loginAs('finance')
    await page.goto(admin('refunds?status=abnormal'))
    const retry = page.locator(`[data-test="retry-${refund.id}"]`)
    await retry.waitFor()
    await page.locator('[data-test="refund-table"] .el-table__expand-icon').first().click()
    await shot(page, 'refunds')
    await retry.click()
    await confirmBox(page)
    await toast(page)
    await page.locator('[data-test="refund-status-filter"]').click()
    await page.locator('.el-select-dropdown__item', { hasText: '退款成功' }).click()
    await waitFor(async () => {
      await page.getByRole('button', { name: '查询' }).click()
      await page.waitForTimeout(300)
      return (await page.locator(`[data-test="refund-status-${refund.id}"]`).getAttribute('data-status').catch(() => null)) === 'succeeded'
    }, { timeout: 30000, interval: 1000, what: 'the retried refund to succeed' })
    const paidOut = await sandbox.refunds()
    const list = paidOut.items ?? paidOut.refunds ?? paidOut
    if (list.filter((r) => r.out_refund_no === refund.out_refund_no).length !== 1) throw new Error('not exactly one payout')
    await page.close()
  },

  async 'the warehouse confirms a return and the refund goes out'() {
    const warehouse = await staff('warehouse')
    const supervisor = await staff('supervisor')
    const { buyer, order } = await paidOrder('dave', 1, 1)
    await warehouse.post(`/orders/${order.id}/accept`)
    await warehouse.post(`/orders/${order.id}/ship`, { carrier: '顺丰速运', tracking_no: 'SF1000000001' })
    await buyer.confirmReceipt(order)
    const line = order.items[0]
    const kase = await buyer.call('POST', `/orders/${order.id}/after-sales`, {
      type: 'return_refund', reason_code: 'quality_issue', reason_text: '开机无反应', lines: [{ line_id: line.id, quantity: 1 }], photos: [],
    })
    await supervisor.post(`/requests/${kase.request_id}/approve`, { note: '同意退货' })
    await buyer.call('POST', `/after-sales/${kase.id}/return-shipment`, { carrier: '中通快递', tracking_no: 'ZT2000000002' })
    const page = await loginAs('warehouse')
    // The 工作台 card 退货待收货 leads to the 售后 page filtered to returns on their way back.
    await page.locator('[data-test="todo-returns_to_receive"]').click()
    await page.waitForURL(/\/admin\/after-sales\?status=returning/)
    const receive = page.locator(`[data-test="receive-${kase.id}"]`)
    await receive.waitFor()
    await shot(page, 'after-sales')
    await receive.click()
    await page.locator('[data-test="receive-confirm"]').click()
    await toast(page)
    await waitFor(async () => {
      const detail = await buyer.order(order.id)
      return detail.refund_status === 'refunded' || (detail.refunds || []).some((r) => r.status === 'succeeded')
    }, { timeout: 30000, interval: 1000, what: 'the return refund to succeed' })
    await page.close()
  },

  async 'the statistics page draws its charts'() {
    const page = await loginAs('supervisor')
    await page.goto(admin('stats'))
    for (const chart of ['chart-trend', 'chart-bar', 'chart-pie']) {
      await page.locator(`[data-test="${chart}"] canvas`).waitFor()
    }
    await page.waitForTimeout(800)
    await shot(page, 'stats')
    await page.close()
  },

  async 'a WeChat Pay complaint shows up in the 投诉 to-do, customer service replies, a supervisor completes it'() {
    const { order } = await paidOrder('carol')
    // The cron's complaint sweep registers the shop's complaint notify URL with WeChat at start.
    await waitFor(async () => (await sandbox.complaints()).notify_url, { timeout: 60000, what: 'the complaint notify URL' })
    const text = '收到的商品外包装破损，要求退款'
    const filed = await sandbox.complain(order.out_trade_no, text)
    const held = async () => (await sandbox.complaints()).complaints.find((c) => c.complaint_id === filed.complaint_id)

    // WeChat's notification reaches the shop, which reads the complaint back from WeChat; on a loaded
    // machine a delivery can time out and come again (1, 2, 5, 10, 30 s later), so this waits through
    // the API for up to 90 s and says what WeChat's deliveries did when it never arrives.
    const service = await staff('service')
    try {
      await waitFor(async () => (await service.get(`/complaints?q=${encodeURIComponent(filed.complaint_id)}`)).items.length > 0,
        { timeout: 90000, interval: 1000, what: 'the complaint stored by the shop' })
    } catch (error) {
      const deliveries = (await sandbox.notifications()).notifications.filter((n) => n.kind === 'complaint_notify')
      throw new Error(`${error.message}; WeChat's complaint deliveries: ${JSON.stringify(deliveries)}`)
    }
    const page = await loginAs('service')
    const todo = page.locator('[data-test="todo-complaints"]')
    await waitFor(async () => /[1-9]/.test(await todo.innerText()), { timeout: 10000, what: 'the complaint in the 投诉 to-do' })
    await todo.click()
    await page.waitForURL(/\/admin\/complaints/)
    const row = page.locator('[data-test="complaint-table"] .el-table__row', { hasText: text })
    await row.waitFor()
    const countdowns = await row.innerText()
    if (!countdowns.includes('还剩 23小时') || !countdowns.includes('还剩 2天23小时')) throw new Error(`countdowns: ${countdowns}`)
    await shot(page, 'complaints')
    await row.getByRole('button', { name: '处理' }).click()
    await page.locator('[data-test="complaint-history"]', { hasText: '用户提交投诉' }).waitFor()
    await page.locator('[data-test="order-detail"]').waitFor()
    if (await page.locator('[data-test="complete"]').count()) throw new Error('客服 sees 反馈处理完成')
    await page.locator('[data-test="respond"]').click()
    await page.locator('textarea[data-test="reply-text"], [data-test="reply-text"] textarea').fill('您好，已为您安排退款，请注意查收')
    await page.locator('[data-test="reply-submit"]').click()
    await toast(page, 'success', '已回复用户')
    const replied = await held()
    if (replied.responses[0]?.content !== '您好，已为您安排退款，请注意查收') throw new Error(`WeChat holds ${JSON.stringify(replied.responses)}`)
    await page.close()

    const boss = await loginAs('supervisor')
    await boss.goto(admin('complaints'))
    await boss.locator('[data-test="complaint-table"] .el-table__row', { hasText: text }).getByRole('button', { name: '处理' }).click()
    await boss.locator('[data-test="complete"]').click()
    await confirmBox(boss)
    await toast(boss, 'success', '已反馈处理完成')
    const done = await held()
    if (done.complaint_state !== 'PROCESSED' || !done.completed_at) throw new Error(`WeChat shows ${done.complaint_state}`)
    await boss.close()
  },

  async 'every page renders for the administrator (screenshots)'() {
    const page = await loginAs('admin')
    await shot(page, 'dashboard')
    const pages = ['orders', 'reviews', 'refunds', 'after-sales', 'inventory', 'stats', 'complaints', 'risk', 'feedback', 'audit-logs', 'staff', 'settings']
    const taken = new Set(['reviews', 'refunds', 'after-sales', 'stats', 'complaints'])
    const errors = []
    page.on('pageerror', (error) => errors.push(error.message))
    for (const name of pages) {
      await page.goto(admin(name))
      await page.locator('.el-main .el-card').first().waitFor()
      await page.waitForLoadState('networkidle')
      await page.waitForTimeout(400)
      if (!taken.has(name)) await shot(page, name)  // the others were taken mid-scenario, with their data
    }
    await page.goto(admin('orders'))
    await page.locator('[data-test="order-table"] .el-table__row').first().locator('.el-link').click()
    await page.locator('.el-drawer [data-test="order-timeline"]').waitFor()
    await page.waitForTimeout(400)
    await shot(page, 'order-drawer')
    await page.evaluate(() => localStorage.clear())
    await page.goto(admin('login'))
    await page.locator('[data-test="login-submit"]').waitFor()
    await shot(page, 'login')
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)
    await page.close()
  },
}

// Each file in e2e/scenarios/ exports `default (kit) => ({ 'scenario name'() {...} })`, so areas add
// scenarios without touching this file. The screenshot tour stays last: it photographs their data.
const kit = { context, system, shopper, staff, sandbox, admin, loginAs, confirmBox, toast, showedToast, shot, paidOrder, refundsOf }
const SCENARIO_DIR = path.join(ADMIN, 'e2e', 'scenarios')
const extra = {}
for (const file of existsSync(SCENARIO_DIR) ? readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.js')).sort() : []) {
  const make = (await import(pathToFileURL(path.join(SCENARIO_DIR, file)).href)).default
  Object.assign(extra, make(kit))
}
const TOUR = 'every page renders for the administrator (screenshots)'
const { [TOUR]: tour, ...base } = scenarios
const all = { ...base, ...extra, [TOUR]: tour }

const only = process.env.E2E_ONLY
const results = []
try {
  for (const [name, run] of Object.entries(all)) {
    if (only && !name.includes(only)) continue
    const t0 = Date.now()
    try {
      await run()
      results.push({ name, ok: true, ms: Date.now() - t0 })
      console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    } catch (error) {
      results.push({ name, ok: false, ms: Date.now() - t0, error })
      console.log(`  ✗ ${name}\n      ${String(error.stack || error).split('\n').slice(0, 4).join('\n      ')}`)
      for (const page of context.pages()) {
        await page.screenshot({ path: path.join(os.tmpdir(), `e2e-failure-${results.length}.png`) }).catch(() => {})
        await page.close().catch(() => {})
      }
    }
  }
} finally {
  await context.close().catch(() => {})
  await system.stop()
  rmSync(profile, { recursive: true, force: true })
}
const failed = results.filter((r) => !r.ok)
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed in ${((Date.now() - started) / 1000).toFixed(0)} s` +
  (failed.length ? ` (system log: ${system.logFile})` : ''))
if (!failed.length) rmSync(system.varDir, { recursive: true, force: true })
process.exit(failed.length ? 1 : 0)
