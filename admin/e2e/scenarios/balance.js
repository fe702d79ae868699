// Store balance (R9) and money is provable (issue 10 item 8), end to end: finance refunds an order to the
// shopper's balance in the admin, the balance pays part of the shopper's next order (WeChat Pay the rest), and
// 资金核对 finds every fen accounted for.
export default ({ staff, shopper, paidOrder, loginAs, admin, toast }) => ({
  async 'finance refunds to balance, the balance pays the next order, and 资金核对 shows no difference'() {
    const finance = await staff('finance')
    const { buyer, order } = await paidOrder('balance-e2e')

    const page = await loginAs('finance')
    await page.goto(admin(`orders/${order.id}`))
    await page.locator('[data-test="action-refund"]').click()
    await page.locator('.el-dialog .el-radio', { hasText: '补偿/差价' }).click()
    await page.locator('input[data-test="refund-amount"], [data-test="refund-amount"] input').fill('20.00')
    await page.locator('.el-dialog .el-radio', { hasText: '退回余额' }).click()
    await page.locator('textarea[data-test="refund-reason"], [data-test="refund-reason"] textarea').fill('发货延迟补偿')
    await page.locator('[data-test="refund-confirm"]').click()
    await toast(page)  // ¥20 is under the 二次验证 amount: no password is asked
    const mine = await buyer.call('GET', '/balance')
    if (mine.balance_fen !== 2000 || mine.items[0].kind_label !== '退款退回余额') {
      throw new Error(`balance after the refund: ${JSON.stringify(mine)}`)
    }

    // The next order: the balance pays ¥20.00 of it at once, WeChat Pay the rest.
    const [address] = await buyer.call('GET', '/addresses')
    const products = await buyer.call('GET', '/products?per_page=50')
    const sku = (products.items ?? products)[0].skus[0]
    const next = await buyer.call('POST', '/orders',
      { items: [{ sku_id: sku.id, quantity: 1 }], address_id: address.id, use_balance: true })
    if (next.balance_paid_fen !== 2000 || next.status !== 'pending_payment') {
      throw new Error(`order with balance: ${JSON.stringify({ status: next.status, balance: next.balance_paid_fen })}`)
    }
    const paid = await buyer.pay(next)
    if (paid.wechat_paid_fen !== next.total_fen - 2000 || paid.paid_fen !== next.total_fen) {
      throw new Error(`split after paying: ${paid.balance_paid_fen} + ${paid.wechat_paid_fen} of ${next.total_fen}`)
    }
    if ((await buyer.call('GET', '/balance')).balance_fen !== 0) throw new Error('the balance was not spent')

    // The staff order page shows the split; 资金核对 adds everything up.
    await page.goto(admin(`orders/${next.id}`))
    await page.locator('[data-test="split-balance"]', { hasText: '¥20.00' }).waitFor()
    await page.goto(admin('finance'))
    await page.locator('[data-test="run-money-check"]').click()
    const result = page.locator('[data-test="money-check-result"]')
    await result.waitFor()
    await toast(page, '')
    const report = await finance.get('/finance/money-check')
    const ours = report.differences.filter((d) => [order.order_no, next.order_no].includes(d.order_no))
    if (ours.length || !report.ok) throw new Error(`money check differences: ${JSON.stringify(report.differences.slice(0, 5))}`)
    if (!(await result.innerText()).includes('全部一致')) throw new Error(`result shown: ${await result.innerText()}`)
    await page.close()
  },
})
