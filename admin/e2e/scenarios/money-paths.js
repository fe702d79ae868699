// Staff refunds (R8) end to end: finance refunds one chosen unit, then a goodwill amount that takes the order's
// refunds past the 二次验证 amount (¥500), so the admin asks for the password again; the shopper reads both
// refunds with the reason finance gave.
export default ({ staff, shopper, loginAs, admin, toast }) => ({
  async 'finance refunds a chosen line and a goodwill amount over the password threshold; the shopper reads why'() {
    const buyer = await shopper('money-paths-e2e')
    const [address] = await buyer.call('GET', '/addresses')
    const products = await buyer.call('GET', '/products?per_page=50')
    const skus = (products.items ?? products).flatMap((p) => p.skus).filter((s) => s.stock >= 5)
    const sku = skus.reduce((a, b) => (b.price_fen > a.price_fen ? b : a))
    const quantity = Math.min(5, Math.ceil(60000 / sku.price_fen))
    if (sku.price_fen * quantity < 50000) throw new Error(`no order of ¥500 or more can be made (${sku.price_fen} × ${quantity})`)
    const placed = await buyer.call('POST', '/orders', { items: [{ sku_id: sku.id, quantity }], address_id: address.id })
    const order = await buyer.pay(placed)
    const [line] = order.items

    const page = await loginAs('finance')
    await page.goto(admin(`orders/${order.id}`))
    // One chosen unit: under the threshold, no password.
    await page.locator('[data-test="action-refund"]').click()
    await page.locator('.el-dialog .el-radio', { hasText: '退商品' }).click()
    await page.locator(`[data-test="refund-qty-${line.id}"] input`).fill('1')
    await page.locator(`[data-test="refund-qty-${line.id}"] input`).press('Tab')
    await page.locator('textarea[data-test="refund-reason"], [data-test="refund-reason"] textarea').fill('商品外包装破损')
    await page.locator('[data-test="refund-confirm"]').click()
    await toast(page, 'success', '退款已发起')

    // A goodwill amount that brings the order's refunds to ¥500 or more: the password is asked for.
    const left = order.paid_fen - line.payable_fen / line.quantity
    const goodwill = Math.min(left, Math.max(100, 50000 - Math.floor(line.payable_fen / line.quantity)))
    await page.reload()
    await page.locator('[data-test="action-refund"]').click()
    await page.locator('.el-dialog .el-radio', { hasText: '补偿/差价' }).click()
    await page.locator('input[data-test="refund-amount"], [data-test="refund-amount"] input').fill((goodwill / 100).toFixed(2))
    await page.locator('textarea[data-test="refund-reason"], [data-test="refund-reason"] textarea').fill('延迟发货补偿')
    await page.locator('[data-test="refund-confirm"]').click()
    const prompt = page.locator('.el-message-box', { hasText: '二次验证' })
    await prompt.waitFor()
    await prompt.locator('input[type="password"]').fill('demo1234')
    await prompt.locator('.el-button--primary').click()
    await toast(page, 'success', '退款已发起')
    await page.close()

    // The shopper sees both refunds, each with its reason, on the order and in a message.
    const seen = await buyer.call('GET', `/orders/${order.id}`)
    const reasons = seen.refunds.map((r) => `${r.reason ?? ''} ${r.notice ?? ''}`).join(' | ')
    if (seen.refunds.length < 2 || !reasons.includes('商品外包装破损') || !reasons.includes('延迟发货补偿')) {
      throw new Error(`refunds the shopper sees: ${reasons}`)
    }
    const messages = await buyer.call('GET', '/messages')
    const bodies = (messages.items ?? messages).map((m) => m.body).join(' | ')
    if (!bodies.includes('延迟发货补偿')) throw new Error(`messages: ${bodies.slice(0, 300)}`)
    const supervisor = await staff('supervisor') // 操作日志 is the supervisors'
    const audit = await supervisor.get(`/audit-logs?action=order.refund&target_id=${order.id}`)
    if ((audit.items ?? audit).length < 2) throw new Error('the two staff refunds are not both audited')
  },
})
