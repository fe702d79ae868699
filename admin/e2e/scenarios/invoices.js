// Invoices (发票, issue 10 item 7) end to end: the shopper asks for a company invoice on a paid order, finance
// issues it in the admin with its number and PDF, the shopper sees 已开具 and may download it; a refund of the
// order then puts a 冲红/重开 to-do in front of finance, which records the red-letter invoice.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

export default ({ staff, shopper, loginAs, admin, paidOrder }) => ({
  async 'a shopper asks for an invoice, finance issues it with its PDF, a refund makes it a 冲红 to-do finance closes'() {
    const { buyer, order } = await paidOrder(`invoice-e2e-${Date.now() % 100000}`)
    await buyer.call('POST', `/orders/${order.id}/invoice`, {
      kind: 'company', title: '杭州示例科技有限公司', tax_no: '91330106MA2KXXXX1X', email: 'finance@example.com',
    })
    const asked = await buyer.call('GET', `/orders/${order.id}/invoice`)
    if (asked.invoice?.status !== 'requested') throw new Error(`after asking: ${JSON.stringify(asked)}`)

    const page = await loginAs('finance')
    await page.goto(admin('invoices'))
    await page.locator('.filters .el-input input').fill(order.order_no)
    await page.locator('.filters .el-input input').press('Enter')
    const id = asked.invoice.id
    await page.locator(`[data-test="issue-${id}"]`).click()
    await page.locator('input[data-test="invoice-no"], [data-test="invoice-no"] input').fill('24332000000012345678')
    await page.locator('[data-test="invoice-file"]').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.locator('[data-test="invoice-submit"]').click()
    await page.locator(`[data-test="status-${id}"]`, { hasText: '已开具' }).waitFor()

    const issued = await buyer.call('GET', `/orders/${order.id}/invoice`)
    if (issued.invoice?.status !== 'issued' || !issued.actions.includes('download')) {
      throw new Error(`the shopper sees: ${JSON.stringify(issued)}`)
    }

    // Part of the order is refunded: the issued invoice no longer matches what the shopper kept.
    const finance = await staff('finance')
    await finance.post(`/orders/${order.id}/refunds`, { kind: 'amount', amount_fen: 100, reason: '价格调整补差价' })
    const todo = await finance.get(`/invoices/${id}`)
    if (todo.status !== 'red_pending' || !todo.actions.includes('record_red')) {
      throw new Error(`after the refund finance sees: ${todo.status} ${todo.actions}`)
    }
    await page.reload()
    await page.locator('.filters .el-input input').fill(order.order_no)
    await page.locator('.filters .el-input input').press('Enter')
    await page.locator(`[data-test="red-${id}"]`).click()
    await page.locator('input[data-test="red-invoice-no"], [data-test="red-invoice-no"] input').fill('24332000000012345679')
    await page.locator('input[data-test="reissue-invoice-no"], [data-test="reissue-invoice-no"] input').fill('24332000000012345680')
    await page.locator('[data-test="reissue-file"]').setInputFiles({ name: 'reissued.pdf', mimeType: 'application/pdf', buffer: PDF })
    await page.locator('[data-test="invoice-submit"]').click()
    await page.locator(`[data-test="status-${id}"]`, { hasText: '已重开' }).waitFor()
    const last = await buyer.call('GET', `/orders/${order.id}/invoice`)
    if (last.invoice?.status === 'red_pending' || last.invoice?.status === 'requested') {
      throw new Error(`the shopper's invoice after 冲红/重开: ${JSON.stringify(last.invoice)}`)
    }
    await page.close()
  },
})
