// Coupons (O7) end to end: a supervisor publishes a template in the admin (Chromium), a shopper claims it
// through the mini-program API, checkout's quote preselects it and the order is paid for less.
export default ({ loginAs, admin, shopper, toast, shot }) => ({
  async 'coupons: staff publish a coupon, a shopper claims it and pays less'() {
    const name = `E2E满100减20-${Date.now() % 100000}`
    const page = await loginAs('supervisor')
    await page.goto(admin('coupons'))
    await page.locator('[data-test="new-coupon"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '新建优惠券' })
    await dialog.locator('input[data-test="f-name"]').fill(name)
    await dialog.locator('input[data-test="f-discount"]').fill('20')
    await dialog.locator('input[data-test="f-threshold"]').fill('100')
    await dialog.locator('.el-switch').click()
    await dialog.locator('[data-test="save-coupon"]').click()
    await toast(page)
    const row = page.locator('[data-test="coupon-table"] tbody tr', { hasText: name })
    await row.waitFor()
    if (!(await row.textContent()).includes('满100减20')) throw new Error(`the table does not show the rule: ${await row.textContent()}`)

    const buyer = await shopper('coupon_buyer')
    const offers = await buyer.call('GET', '/coupons/claimable')
    const offer = offers.find((c) => c.name === name)
    if (!offer?.can_claim) throw new Error(`the shopper cannot claim the published coupon: ${JSON.stringify(offer)}`)
    const mine = await buyer.call('POST', `/coupons/${offer.id}/claim`)

    const products = await buyer.call('GET', '/products?per_page=50')
    const sku = (products.items ?? products).flatMap((p) => p.skus).find((s) => s.price_fen >= 10000 && s.stock > 0)
    const addresses = await buyer.call('GET', '/addresses')
    const body = { items: [{ sku_id: sku.id, quantity: 1 }], address_id: addresses[0].id }
    const quote = await buyer.call('POST', '/orders/quote', body)
    if (quote.chosen_coupon_id !== mine.id || quote.coupon_discount_fen !== 2000) {
      throw new Error(`checkout does not preselect the claimed coupon: ${JSON.stringify(quote)}`)
    }
    const order = await buyer.call('POST', '/orders', { ...body, coupon_id: quote.chosen_coupon_id })
    if (order.total_fen !== quote.payable_fen || order.total_fen !== sku.price_fen - 2000 + quote.freight_fen) {
      throw new Error(`the order costs ${order.total_fen}, the quote said ${quote.payable_fen}`)
    }
    const paid = await buyer.pay(order)
    if (paid.paid_fen !== quote.payable_fen) throw new Error(`paid ${paid.paid_fen}, expected ${quote.payable_fen}`)

    await page.reload()
    await row.waitFor()
    if (!(await row.textContent()).includes('1 / ')) throw new Error(`the admin does not count the claim: ${await row.textContent()}`)
    await shot(page, 'coupons')
    await page.close()
  },
})
