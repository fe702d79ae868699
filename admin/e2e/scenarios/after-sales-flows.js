// After-sales flows (issue 11 "Done when", SPEC A4–A6) against the real system: the shopper through the
// mini-program API, staff in the admin in Chromium.
//
// Moving time: the deadline sweeper (`after_sales.sweep_deadlines`, which the cron runs every 5 minutes) is
// run once by `sweepLater(days)` in a separate process on the system's own database and Redis, with ITS clock
// `days` ahead (domain/clock.py `advance`). The shop's settings keep their defaults (7 days to ship a return,
// 7 days to receive it) and the running system's clock is untouched: the sweep simply happens as it would
// `days` from now, and what it decides (close, refund) goes through the same code and the same refund worker.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO, waitFor } from '../system.js'

export default ({ system, staff, admin, loginAs, confirmBox, toast, shot, paidOrder }) => {
  async function sweepLater(days) {
    const code = [
      'from datetime import timedelta',
      'from shop import create_app',
      'from shop.domain import clock',
      'from shop.services import after_sales',
      'app = create_app()',
      'with app.app_context():',
      `    clock.advance(timedelta(days=${days}))`,
      '    print(after_sales.sweep_deadlines())',
    ].join('\n')
    // asynchronously: the event loop keeps the HTTP clients' connections healthy meanwhile
    const { stdout } = await promisify(execFile)(path.join(REPO, '.venv', 'bin', 'python'), ['-c', code], {
      cwd: REPO, encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: path.join(REPO, 'backend'), SHOP_VAR_DIR: system.varDir, FLASK_APP: 'shop' },
    }).catch((error) => { throw new Error(`the deadline sweep failed:\n${String(error.stderr).slice(-2000)}`) })
    return stdout.trim().split('\n').pop()
  }

  async function deliveredOrder(code, productIndex = 0) {
    const warehouse = await staff('warehouse')
    const { buyer, order } = await paidOrder(code, 1, productIndex)
    await warehouse.post(`/orders/${order.id}/accept`)
    await warehouse.post(`/orders/${order.id}/ship`, { carrier: '顺丰速运', tracking_no: `SF${Date.now()}`.slice(0, 14) })
    await buyer.confirmReceipt(order)
    return { buyer, order }
  }

  const applyFor = (buyer, order, type, reasonCode) => buyer.call('POST', `/orders/${order.id}/after-sales`, {
    type, reason_code: reasonCode, reason_text: '', photos: [],
    lines: [{ line_id: order.items[0].id, quantity: 1 }],
  })

  async function refundSucceeded(buyer, caseId) {
    return waitFor(async () => {
      const kase = await buyer.call('GET', `/after-sales/${caseId}`)
      return kase.refund?.status === 'succeeded' && kase
    }, { timeout: 60000, interval: 1000, what: 'the after-sales refund to succeed' })
  }

  // The 售后 page filtered by status: the case's row, expanded, its 协商历史 shows `text`.
  async function threadShows(page, status, order, caseId, text) {
    await page.goto(admin(`after-sales?status=${status}`))
    const row = page.locator('[data-test="after-sale-table"] .el-table__row', { hasText: order.order_no })
    await row.locator(`[data-status="${status}"]`).waitFor()
    await row.locator('.el-table__expand-icon').click()
    await page.locator(`[data-test="thread-${caseId}"]`, { hasText: text }).waitFor()
  }

  // A delivered order's 退货退款 case, approved by a supervisor: the goods must now come back.
  async function approvedReturn(code) {
    const { buyer, order } = await deliveredOrder(code)
    const kase = await applyFor(buyer, order, 'return_refund', 'no_reason')
    await (await staff('supervisor')).post(`/requests/${kase.request_id}/approve`, { note: '请寄回' })
    return { buyer, order, kase }
  }

  return {
    async 'after-sales flows: staff propose a partial refund in the admin, the shopper accepts, that amount is paid'() {
      const { buyer, order } = await deliveredOrder('h4_partial')
      // 仅退款 after delivery: a person decides (R5); staff offer half, the shopper keeps the goods
      const kase = await applyFor(buyer, order, 'refund_only', 'not_wanted')
      if (kase.status !== 'pending') throw new Error(`expected a case for staff, got ${kase.status}`)
      const half = Math.floor(kase.amount_fen / 2)
      const page = await loginAs('supervisor')
      await page.goto(admin('after-sales?status=pending'))
      await page.locator(`[data-test="propose-${kase.id}"]`).click()
      const dialog = page.locator('.el-dialog', { hasText: '协商方式' })
      await dialog.locator('[data-test="propose-kind"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '部分退款' }).click()
      await dialog.locator('input[data-test="propose-amount"]').fill((half / 100).toFixed(2))
      await dialog.locator('textarea[data-test="propose-message"]').fill('商品有轻微使用痕迹，退一半')
      await dialog.locator('[data-test="propose-confirm"]').click()
      await toast(page)

      const offered = await buyer.call('GET', `/after-sales/${kase.id}`)
      if (!offered.actions.includes('accept_proposal') || offered.proposal?.amount_fen !== half) {
        throw new Error(`the shopper does not see the offer: ${JSON.stringify(offered.proposal)} ${offered.actions}`)
      }
      if (!offered.deadline_label?.startsWith('还剩')) throw new Error(`no countdown for the shopper: ${offered.deadline_label}`)
      await buyer.call('POST', `/after-sales/${kase.id}/accept-proposal`)
      const paid = await refundSucceeded(buyer, kase.id)
      if (paid.refund.amount_fen !== half) throw new Error(`refunded ${paid.refund.amount_fen} fen, agreed ${half}`)

      await threadShows(page, 'completed', order, kase.id, '顾客接受了协商')
      await page.close()
    },

    async 'after-sales flows: a return never shipped closes the case when its 7 days run out'() {
      const { buyer, order, kase } = await approvedReturn('h4_noship')
      const waiting = await buyer.call('GET', `/after-sales/${kase.id}`)
      if (waiting.deadline_stage !== '顾客寄回商品' || !waiting.deadline_label.startsWith('还剩 ')) {
        throw new Error(`return clock not shown: ${waiting.deadline_stage} ${waiting.deadline_label}`)
      }
      await sweepLater(6)  // a day early: nothing happens
      if ((await buyer.call('GET', `/after-sales/${kase.id}`)).status !== 'awaiting_return') throw new Error('closed too early')
      await sweepLater(8)
      const closed = await buyer.call('GET', `/after-sales/${kase.id}`)
      if (closed.status !== 'closed') throw new Error(`case is ${closed.status} after the return clock ran out`)

      const page = await loginAs('supervisor')
      await threadShows(page, 'closed', order, kase.id, '未寄回商品，售后已关闭')
      await page.close()
    },

    async 'after-sales flows: a returned parcel the warehouse never received is refunded automatically'() {
      const { buyer, order, kase } = await approvedReturn('h4_noreceipt')
      await buyer.call('POST', `/after-sales/${kase.id}/return-shipment`, { carrier: '中通快递', tracking_no: 'ZT3000000003' })
      const page = await loginAs('warehouse')
      await page.goto(admin('after-sales?status=returning'))
      await page.locator(`[data-test="deadline-${kase.id}"]`, { hasText: '商家确认收货' }).waitFor()
      await sweepLater(8)
      const paid = await refundSucceeded(buyer, kase.id)
      if (paid.status !== 'completed' || paid.refund.amount_fen !== kase.amount_fen) {
        throw new Error(`case ${paid.status}, refund ${paid.refund.amount_fen} of ${kase.amount_fen}`)
      }
      await threadShows(page, 'completed', order, kase.id, '系统自动退款')
      await page.close()
    },

    async 'after-sales flows: an administrator adds a 极速退款 rule and a trusted shopper is paid at once under it'() {
      const name = '白名单极速退款'
      const page = await loginAs('admin')
      await page.goto(admin('settings'))
      const rules = page.locator('[data-test="after-sale-rules"]')
      await rules.locator('[data-test="rule-add"]').click()
      const form = page.locator('.el-dialog', { hasText: '添加售后规则' })
      await form.locator('input[data-test="rule-name"]').fill(name)
      await form.locator('[data-test="rule-effect"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '极速退款' }).click()
      await form.locator('input[data-test="rule-max-amount"]').fill('500')
      await form.locator('[data-test="rule-trust"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '白名单顾客' }).first().click()
      await form.locator('[data-test="rule-save"]').click()
      await toast(page, 'success', '售后规则已保存')
      await rules.locator('.el-table__row', { hasText: name }).waitFor()
      await shot(page, 'settings-after-sale-rules')

      const { buyer, order } = await deliveredOrder('h4_trusted')
      const me = await buyer.call('GET', '/me')
      await (await staff('supervisor')).post(`/risk/shoppers/${me.id}/allow-list`)
      const kase = await applyFor(buyer, order, 'refund_only', 'not_wanted')
      if (kase.status !== 'completed' || kase.auto_rule?.name !== name) {
        throw new Error(`not approved at once under the rule: ${kase.status} ${JSON.stringify(kase.auto_rule)}`)
      }
      const paid = await refundSucceeded(buyer, kase.id)
      if (paid.refund.amount_fen !== kase.amount_fen) throw new Error('refunded a different amount')

      await threadShows(page, 'completed', order, kase.id, `按规则「${name}」自动同意`)
      await page.locator(`[data-test="auto-rule-${kase.id}"]`, { hasText: `按规则「${name}」自动同意` }).waitFor()

      // leave the shop as it was: the rule goes
      await page.goto(admin('settings'))
      const added = page.locator('[data-test="after-sale-rules"] .el-table__row', { hasText: name })
      await added.getByRole('button', { name: '删除' }).click()
      await confirmBox(page)
      await added.waitFor({ state: 'detached' })
      await page.close()
    },
  }
}
