// Lists follow what is still settling on the server, and confirmations that move money name the amount (issue 12
// items 5 and 7): the 退款 page shows a refund on its way reach 退款成功 by itself (no reload, no 查询) and then
// stops asking; the 售后 page's 确认收货 of a return names the refund it pays.
import { waitFor } from '../system.js'

const yuan = (fen) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`

export default ({ staff, admin, loginAs, toast, paidOrder, refundsOf }) => {
  // The status of the first refund in each list the page receives from now on (the page filters by one order).
  function statusesSeen(page) {
    const seen = []
    page.on('response', async (response) => {
      if (response.request().method() !== 'GET' || !/\/api\/admin\/refunds(\?|$)/.test(response.url()) || !response.ok()) return
      const [row] = (await response.json().catch(() => ({}))).items || []
      if (row) seen.push(row.status)
    })
    return seen
  }

  return {
    async '[staff] the 退款 page follows a refund from 待提交 / 退款中 to 退款成功 by itself, then stops asking'() {
      const finance = await staff('finance')
      const page = await loginAs('finance')
      // A cancelled order's refund is submitted by a worker and settled by WeChat's notification a moment later;
      // the page opened at once catches it on its way (up to three orders, in case a fast machine settles one
      // before the page has loaded).
      for (let tries = 1; tries <= 3; tries += 1) {
        const { buyer, order } = await paidOrder('erin')
        await buyer.cancel(order, 'changed_mind')
        const seen = statusesSeen(page)
        await page.goto(admin(`refunds?order_no=${order.order_no}`))
        const status = page.locator('[data-test="refund-table"] [data-test^="refund-status-"]').first() // not the filter
        await status.waitFor()
        // Nobody clicks 查询 or reloads from here: only the page's own polling can bring 退款成功 (the issue: the
        // page stayed 待提交 after a retry that had already succeeded).
        await waitFor(async () => (await status.getAttribute('data-status')) === 'succeeded',
          { timeout: 60000, interval: 500, what: 'the page to show the refund succeeded' })
        if (seen[0] === 'succeeded') {
          console.log(`      (try ${tries}: the refund had settled before the page loaded)`)
          continue
        }
        if (seen.length < 2) throw new Error(`the page loaded the list once (${seen}) yet shows success`)
        const settled = seen.length
        await page.waitForTimeout(6000) // settled: the page stops asking
        if (seen.length !== settled) throw new Error(`the page kept polling a settled list: ${seen}`)
        const [refund] = await refundsOf(finance, order.order_no)
        if (refund.status !== 'succeeded') throw new Error(`the page shows success, the server says ${refund.status}`)
        break
      }
      await page.close()
    },

    async '[staff] 确认收货 of a return names the refund it pays'() {
      const warehouse = await staff('warehouse')
      const supervisor = await staff('supervisor')
      const { buyer, order } = await paidOrder('frank', 1, 1)
      await warehouse.post(`/orders/${order.id}/accept`)
      await warehouse.post(`/orders/${order.id}/ship`, { carrier: '顺丰速运', tracking_no: 'SF1000000077' })
      await buyer.confirmReceipt(order)
      const kase = await buyer.call('POST', `/orders/${order.id}/after-sales`, {
        type: 'return_refund', reason_code: 'quality_issue', reason_text: '屏幕有坏点',
        lines: [{ line_id: order.items[0].id, quantity: 1 }], photos: [],
      })
      await supervisor.post(`/requests/${kase.request_id}/approve`, { note: '同意退货' })
      await buyer.call('POST', `/after-sales/${kase.id}/return-shipment`, { carrier: '中通快递', tracking_no: 'ZT2000000077' })
      const amount = (await supervisor.get(`/after-sales/${kase.id}`)).amount_fen

      const page = await loginAs('warehouse')
      await page.goto(admin('after-sales?status='))
      await page.locator(`[data-test="receive-${kase.id}"]`).click()
      const confirm = page.locator('[data-test="receive-confirm"]')
      const words = await confirm.innerText()
      if (!words.includes(`确认收货并退款 ${yuan(amount)}`)) throw new Error(`确认收货 says "${words}", not the refund ${yuan(amount)}`)
      await confirm.click()
      await toast(page, 'success', '已确认收货')
      await waitFor(async () => {
        const detail = await buyer.order(order.id)
        return (detail.refunds || []).some((r) => r.status === 'succeeded')
      }, { timeout: 30000, interval: 1000, what: 'the return refund to succeed' })
      await page.close()
    },
  }
}
