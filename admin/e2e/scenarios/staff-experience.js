// The staff's day as 有赞/微店 taught them (issue 12): buttons only where the server allows them, an export
// that opens with whole order numbers, one click = one request, the address keeps the list, 打印发货单.
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REPO } from '../system.js'

// data-test="<button>-<row id>" → the server action it performs
const BUTTON_ACTION = { alternative: 'offer_alternative' }

export default ({ context, staff, admin, loginAs, paidOrder, shot, toast, showedToast }) => {
  // Every button in a table row that changes something (data-test "<action>-<id>") against the row's actions in
  // the list the page last received from the server (a background job may move a row on in the meantime, and a
  // list with something settling reloads itself). The list's arrival is awaited as an event (looking once the
  // network had been quiet for 500 ms missed it on a busy machine); then the buttons must agree with the latest
  // list the page received, as soon as the page has drawn it.
  async function buttonsMatchActions(page, name, apiPath) {
    const listed = (response) => new RegExp(`/api/admin${apiPath}(\\?|$)`).test(response.url()) && response.ok()
    let latest = null
    const record = (response) => { if (listed(response)) latest = response }
    page.on('response', record)
    try {
      const first = page.waitForResponse(listed)
      await page.goto(admin(name))
      latest = latest ?? await first
      await page.locator('.el-main .el-card').first().waitFor()
      const deadline = Date.now() + 15000
      for (;;) {
        const seen = latest
        const rows = (await seen.json()).items
        const wrong = []
        for (const row of rows) {
          const buttons = await page.locator(`button[data-test$="-${row.id}"]`).evaluateAll(
            (nodes) => nodes.map((node) => node.getAttribute('data-test')))
          for (const test of buttons) {
            const prefix = test.slice(0, -`-${row.id}`.length)
            const action = BUTTON_ACTION[prefix] ?? prefix
            if (!(row.actions || []).includes(action)) wrong.push(`${name} row ${row.id}: button ${test}, server allows ${row.actions}`)
          }
        }
        if (!wrong.length && latest === seen) return rows
        if (Date.now() > deadline) throw new Error(wrong.join('\n') || `${name}: the list kept changing`)
        await page.waitForTimeout(300)  // the page draws the list it just received
      }
    } finally {
      page.off('response', record)
    }
  }

  return {
    async '[staff] 客服 never sees a button the server would refuse (orders, requests, after-sales, refunds)'() {
      const supervisor = await staff('supervisor')
      const service = await staff('service')
      // A cancel request on an accepted order (客服 may not approve a paid cancel), and one still free to cancel.
      const { buyer, order } = await paidOrder('alice')
      await supervisor.post(`/orders/${order.id}/accept`)
      await buyer.cancel(order, 'changed_mind')
      const page = await loginAs('service')

      const requests = await buttonsMatchActions(page, 'reviews', '/requests')
      if (!requests.length) throw new Error('no requests to compare')
      await buttonsMatchActions(page, 'after-sales', '/after-sales')

      // 退款 is not 客服's page: the menu does not offer it and the address leads to 无权限, without a button.
      await page.goto(admin('refunds'))
      await page.waitForURL(/\/admin\/forbidden/)
      if (await page.locator('button[data-test^="retry-"]').count()) throw new Error('客服 sees a refund button')

      await page.goto(admin(`orders/${order.id}`))
      await page.locator('[data-test="order-status"]').waitFor()
      await page.waitForLoadState('networkidle')
      const { actions } = await service.get(`/orders/${order.id}`)
      const shown = await page.locator('button[data-test^="action-"]').evaluateAll(
        (nodes) => nodes.map((node) => node.getAttribute('data-test').slice('action-'.length)))
      const refused = shown.filter((action) => !actions.includes(action))
      if (refused.length) throw new Error(`order page shows ${refused} the server refuses (allows ${actions})`)
      await page.close()
    },

    async '[staff] the order export downloads as .xlsx with whole 20-digit order numbers'() {
      const { order } = await paidOrder('bob')
      const page = await loginAs('service')
      await page.goto(admin(`orders?order_no=${order.order_no}`))
      await page.locator('[data-test="order-table"] .el-table__row', { hasText: order.order_no }).waitFor()
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="order-export"]').click()])
      if (!download.suggestedFilename().endsWith('.xlsx')) throw new Error(`downloaded ${download.suggestedFilename()}`)
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shop-export-')), 'orders.xlsx')
      await download.saveAs(file)
      // The sheet as Excel reads it: the order number a text cell holding all its digits.
      const read = spawnSync(path.join(REPO, '.venv', 'bin', 'python'), ['-c', `
import json, sys
sys.path.insert(0, 'tests/support')
from xlsx import sheet_cells
print(json.dumps(sheet_cells(open(sys.argv[1], 'rb').read())))`, file], { cwd: REPO, encoding: 'utf8' })
      if (read.status !== 0) throw new Error(read.stderr)
      const [header, ...rows] = JSON.parse(read.stdout)
      if (header[0][1] !== '订单号') throw new Error(`header ${JSON.stringify(header)}`)
      const cell = rows.map((row) => row[0]).find(([, text]) => text === order.order_no)
      if (!cell || cell[0] !== 's' || !/^\d{20}$/.test(cell[1])) throw new Error(`order number cells: ${JSON.stringify(rows.map((r) => r[0]))}`)
      await page.close()
    },

    async '[staff] a double click on 受理 and on its 确认 sends exactly one request'() {
      const { order } = await paidOrder('carol')
      const page = await loginAs('warehouse')
      const sent = []
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith(`/api/admin/orders/${order.id}/accept`)) sent.push(request.url())
      })
      await page.goto(admin(`orders/${order.id}`))
      await page.locator('[data-test="action-accept"]').dblclick()
      await page.locator('.el-message-box__btns .el-button--primary').dblclick()
      await toast(page)
      await page.waitForTimeout(1000) // a second request would have left by now
      await page.waitForLoadState('networkidle')
      if (sent.length !== 1) throw new Error(`${sent.length} accept requests for one double click`)
      if (await showedToast(page, 'error')) throw new Error('an error toast beside the success')
      await page.close()
    },

    async '[staff] a reload keeps the order list\'s tab, filters and page; the tabs show counts'() {
      const page = await loginAs('service')
      await page.goto(admin('orders'))
      const tabs = page.locator('[data-test="order-status-tabs"]')
      await tabs.locator('.el-tabs__item', { hasText: /待发货（\d+\+?）/ }).click()
      const shopper = page.getByPlaceholder('顾客姓名或手机号')
      await shopper.fill('13800138000')
      await page.locator('[data-test="order-search"]').click()
      await page.waitForURL(/status=paid/)
      await page.waitForURL(/shopper=13800138000/)
      const total = (await (await staff('service')).get('/orders?status=paid&shopper=13800138000')).total
      if (total > 20) {
        await page.locator('.el-pagination .number', { hasText: '2' }).click()
        await page.waitForURL(/page=2/)
      }
      await page.reload()
      await page.locator('[data-test="order-table"]').waitFor()
      if ((await shopper.inputValue()) !== '13800138000') throw new Error('the shopper filter was lost on reload')
      const active = await tabs.locator('.el-tabs__item.is-active').innerText()
      if (!active.startsWith('待发货')) throw new Error(`the active tab after reload is ${active}`)
      if (total > 20 && !page.url().includes('page=2')) throw new Error('the page was lost on reload')
      await shot(page, 'orders-tabs')
      await page.close()
    },

    async '[staff] the orders, 审核, 售后 and 退款 lists fit a 1440 px screen: no column under the fixed 操作 column'() {
      const page = await loginAs('admin')
      const wide = []
      for (const name of ['orders', 'reviews', 'after-sales', 'refunds']) {
        await page.goto(admin(name))
        await page.locator('.el-main .el-table').first().waitFor()
        await page.waitForLoadState('networkidle')
        const [body, room] = await page.locator('.el-main .el-table').first().evaluate(
          (table) => [table.querySelector('.el-table__body').offsetWidth, table.clientWidth])
        if (body > room + 1) wide.push(`${name}: columns ${body} px in ${room} px`)
      }
      if (wide.length) throw new Error(wide.join('; '))
      await page.close()
    },

    async '[staff] 打印发货单 shows the selected orders on an A4 print page'() {
      const first = await paidOrder('dave')
      const second = await paidOrder('erin')
      await context.addInitScript(() => { window.print = () => { window.printed = (window.printed || 0) + 1 } })
      const page = await loginAs('warehouse')
      await page.goto(admin('orders?status=paid'))
      for (const { order } of [first, second]) {
        await page.locator('[data-test="order-table"] .el-table__row', { hasText: order.order_no })
          .locator('.el-checkbox').first().click()
      }
      await page.locator('[data-test="order-selected"]', { hasText: '已选 2 单' }).waitFor()
      const [slips] = await Promise.all([context.waitForEvent('page'), page.locator('[data-test="order-print"]').click()])
      await slips.waitForURL(/\/admin\/print\/packing\?ids=/)
      for (const { order } of [first, second]) {
        await slips.locator(`[data-test="slip-${order.id}"]`, { hasText: order.order_no }).waitFor()
      }
      await slips.waitForFunction(() => window.printed === 1)
      if (await slips.locator('.el-aside, .el-menu').count()) throw new Error('the print page carries the admin menu')
      await shot(slips, 'packing-slips')
      await slips.close()
      await page.close()
    },
  }
}
