// Batch work (A7) in the admin: rows selected in 审核, approved in one action, the server's progress shown.
export default ({ staff, paidOrder, loginAs, admin }) => ({
  async 'a batch of 50 approvals shows its progress and every request ends approved'() {
    const warehouse = await staff('warehouse')
    const supervisor = await staff('supervisor')
    const mine = new Map()
    for (let n = 0; n < 50; n += 1) {
      // an accepted order the shopper asks to cancel: a cancel request staff decide
      const { buyer, order } = await paidOrder(`batch-${Math.floor(n / 5)}`)
      await warehouse.post(`/orders/${order.id}/accept`)
      const { open_request: request } = await buyer.cancel(order, 'changed_mind')
      mine.set(order.order_no, request.id)
    }
    const page = await loginAs('supervisor')
    await page.goto(admin('reviews?kind=cancel'))
    const table = page.locator('[data-test="request-table"]')
    const rows = table.locator('.el-table__body-wrapper .el-table__row')
    await rows.nth(49).waitFor()
    // 全选 on the page (100 a page), then leave out the rows that are not this scenario's
    await table.locator('.el-table__header-wrapper .el-checkbox').click()
    for (let i = 0; i < await rows.count(); i += 1) {
      const text = await rows.nth(i).innerText()
      if (![...mine.keys()].some((orderNo) => text.includes(orderNo))) await rows.nth(i).locator('.el-checkbox').click()
    }
    await page.locator('[data-test="batch-selected"]', { hasText: '已选 50 项' }).waitFor()
    await page.locator('[data-test="batch-approve"]').click()
    await page.locator('[data-test="batch-submit"]').click()
    const bar = page.locator('[data-test="batch-progress-bar"]')
    await bar.waitFor()
    await page.locator('[data-test="batch-progress-bar"][data-percent="100"]').waitFor({ timeout: 120000 })
    await page.locator('[data-test="batch-status"]', { hasText: '已完成' }).waitFor()
    const counts = await page.locator('[data-test="batch-counts"]').innerText()
    if (!counts.includes('成功 50') || !counts.includes('失败 0')) throw new Error(`batch counts: ${counts}`)
    const decided = await supervisor.get('/requests?kind=cancel&status=all&per_page=100')
    const statuses = decided.items.filter((row) => [...mine.values()].includes(row.id)).map((row) => row.status)
    if (statuses.length !== 50 || statuses.some((status) => status !== 'approved')) {
      throw new Error(`requests after the batch: ${JSON.stringify(statuses)}`)
    }
    await page.close()
  },
})
