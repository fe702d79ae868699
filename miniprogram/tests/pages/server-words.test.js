// Every word on an order's buttons comes from the server (issue 12: one source, backend/shop/domain/labels.py): the
// label, the confirmation asked first and the toast once done. The server here sends words of its own; a page that
// drew a word of its own instead would show something else and fail.
const fs = require('fs')
const path = require('path')
const { loadPage, tap, text } = require('../support/page')
const { mockApi } = require('../support/mock-api')
const { order, page, SERVER_BUTTONS, CASE_BUTTONS } = require('../support/fixtures')

const OWN = {
  pay: { action: 'pay', label: '马上付款', primary: true, confirm: null, done: null },
  confirm_receipt: {
    action: 'confirm_receipt', label: '我已收到', primary: true,
    confirm: { title: '收到了吗', content: '服务器的确认说明', confirm_text: '收到了' }, done: '服务器说：已收货'
  },
  delete: {
    action: 'delete', label: '不要这单', primary: false,
    confirm: { title: '真的删除吗', content: '服务器的删除说明', confirm_text: '删掉' }, done: '服务器说：已删除'
  },
  withdraw: {
    action: 'withdraw', label: '收回申请', primary: false,
    confirm: { title: '收回吗', content: '服务器的撤回说明', confirm_text: '收回' }, done: '服务器说：已收回'
  }
}

describe('the order buttons say what the server says', () => {
  test('list cards and the order page draw the server\'s labels', async () => {
    mockApi({
      'GET /orders': page([order({ id: 1, actions: ['pay'], buttons: [OWN.pay] })]),
      'GET /orders/1': order({ id: 1, actions: ['pay'], buttons: [OWN.pay] })
    })
    const list = await loadPage('pages/orders/list/list')
    expect(list.comp.querySelector('#order-1-pay').dom.textContent.trim()).toBe('马上付款')
    expect(text(list.comp)).not.toContain('去支付')
    const detail = await loadPage('pages/orders/detail/detail', { id: '1' })
    expect(detail.comp.querySelector('#action-pay').dom.textContent.trim()).toBe('马上付款')
  })

  test('an action the server sent without a button draws nothing', async () => {
    mockApi({ 'GET /orders/1': order({ id: 1, actions: ['pay', 'cancel'], buttons: [OWN.pay] }) })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '1' })
    expect(comp.querySelector('#action-cancel')).toBeFalsy()
  })

  test('确认收货 and 删除 ask the server\'s question and say the server\'s words once done', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const toast = jest.spyOn(wx, 'showToast')
    mockApi({
      'GET /orders': page([
        order({ id: 2, status: 'shipped', actions: ['confirm_receipt'], buttons: [OWN.confirm_receipt] }),
        order({ id: 5, status: 'cancelled', actions: ['delete'], buttons: [OWN.delete] })
      ]),
      'POST /orders/2/confirm-receipt': order({ id: 2, status: 'completed', actions: [] }),
      'DELETE /orders/5': ''
    })
    const { comp } = await loadPage('pages/orders/list/list')
    await tap(comp, '#order-2-confirm_receipt')
    await tap(comp, '#order-5-delete')
    expect(modal.mock.calls.map(c => [c[0].title, c[0].content, c[0].confirmText])).toEqual([
      ['收到了吗', '服务器的确认说明', '收到了'], ['真的删除吗', '服务器的删除说明', '删掉']])
    expect(toast.mock.calls.map(c => c[0].title)).toEqual(expect.arrayContaining(['服务器说：已收货', '服务器说：已删除']))
  })

  test('the open request\'s buttons and their questions are the server\'s too', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const toast = jest.spyOn(wx, 'showToast')
    const request = {
      id: 31, kind: 'cancel', kind_label: '取消申请', status: 'pending', status_label: '待处理', reason_text: '',
      alternative: null, actions: ['withdraw'], buttons: [OWN.withdraw]
    }
    const api = mockApi({
      'GET /orders/7': order({ status: 'paid', actions: [], open_request: request }),
      'POST /requests/31/withdraw': order()
    })
    const { comp } = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(comp.querySelector('#request-withdraw').dom.textContent.trim()).toBe('收回申请')
    await tap(comp, '#request-withdraw')
    expect(modal.mock.calls[0][0]).toEqual(expect.objectContaining({ title: '收回吗', content: '服务器的撤回说明', confirmText: '收回' }))
    expect(api.find('POST /requests/31/withdraw')).toHaveLength(1)
    expect(toast.mock.calls.map(c => c[0].title)).toContain('服务器说：已收回')
  })

  test('the invoice page and the order\'s 发票 row take their words from the server\'s buttons', async () => {
    mockApi({
      'GET /orders/7': order({ status: 'paid' }),
      'GET /orders/7/invoice': {
        invoice: null, actions: ['request_invoice'],
        buttons: [{ action: 'request_invoice', label: '我要发票', primary: false, confirm: null, done: null }]
      }
    })
    const detail = await loadPage('pages/orders/detail/detail', { id: '7' })
    expect(detail.comp.querySelector('#invoice').dom.textContent).toContain('我要发票')
    const invoice = await loadPage('pages/invoice/invoice', { id: '7' })
    expect(invoice.comp.querySelector('#invoice-form').dom.textContent).toContain('我要发票')
  })
})

describe('the after-sales case buttons say what the server says', () => {
  test('labels, the question asked first and the toast once done are the case\'s buttons', async () => {
    const modal = jest.spyOn(wx, 'showModal')
    const toast = jest.spyOn(wx, 'showToast')
    const own = (action, label, confirm, done) => ({ action, label, primary: false, confirm, done })
    const aCase = {
      id: 31, order_id: 7, type: 'refund_only', type_label: '仅退款', status: 'negotiating', status_label: '协商中',
      amount_fen: 2900, lines: [], photos: [], messages: [], created_at: '2026-11-21T22:51:54+00:00',
      proposal: { kind: 'change_amount', kind_label: '部分退款', text: '退您 ¥10.00' },
      actions: ['withdraw', 'accept_proposal', 'decline_proposal'],
      buttons: [
        own('withdraw', '不要了', { title: '服务器问：撤回吗', content: '服务器的撤回说明', confirm_text: '撤' }, '服务器说：撤了'),
        own('decline_proposal', '再想想', null, null),
        own('accept_proposal', '就这样', { title: '服务器问：接受吗', content: '退您 ¥10.00', confirm_text: '好' }, '服务器说：接受了')
      ]
    }
    const api = mockApi({ 'GET /after-sales/31': aCase, 'POST /after-sales/31/accept-proposal': { ok: true }, 'POST /after-sales/31/withdraw': { ok: true } })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '31' })
    expect(comp.querySelector('#withdraw').dom.textContent.trim()).toBe('不要了')
    expect(comp.querySelector('#decline-proposal').dom.textContent.trim()).toBe('再想想')
    expect(comp.querySelector('#accept-proposal').dom.textContent.trim()).toBe('就这样')
    await tap(comp, '#accept-proposal')
    await tap(comp, '#withdraw')
    expect(modal.mock.calls.map(c => [c[0].title, c[0].content, c[0].confirmText])).toEqual([
      ['服务器问：接受吗', '退您 ¥10.00', '好'], ['服务器问：撤回吗', '服务器的撤回说明', '撤']])
    expect(api.find('POST /after-sales/31/accept-proposal')).toHaveLength(1)
    expect(toast.mock.calls.map(c => c[0].title)).toEqual(expect.arrayContaining(['服务器说：接受了', '服务器说：撤了']))
  })
})

// The words themselves are nowhere in the code that draws and runs these buttons.
describe('no button word is written into the mini-program', () => {
  const ROOT = path.join(__dirname, '..', '..')
  const FILES = ['utils/orders.js', 'utils/order-actions.js', 'pages/orders/list/list.js', 'pages/orders/list/list.wxml',
    'pages/orders/detail/detail.js', 'pages/invoice/invoice.js', 'pages/after-sales/detail/detail.js',
    'pages/after-sales/detail/detail.wxml']
  const words = SERVER_BUTTONS.concat(CASE_BUTTONS).flatMap(([, label, confirm, done]) =>
    [label, done, confirm && confirm.title, confirm && confirm.content.split('{')[0], confirm && confirm.confirm_text])
    .filter(word => word && word.length >= 3) // not a bare 删除 or 撤回 inside another sentence

  test.each(FILES)('%s has none of the server\'s button words in a string', file => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')
    const strings = source.match(/'[^'\n]*'|"[^"\n]*"|`[^`]*`|>[^<{]+</g) || []
    const found = words.filter(word => strings.some(s => s.includes(word)))
    expect(found).toEqual([])
  })
})
