const { loadPage, text } = require('../support/page')
const { mockApi } = require('../support/mock-api')

// A6: a case a refund rule approved says so, in the server's words; the thread shows the approval too.
describe('after-sales case approved by a refund rule', () => {
  const CASE = {
    id: 41, order_id: 9, type: 'refund_only', type_label: '仅退款', status: 'completed', status_label: '售后完成',
    actions: [], reason_code: 'not_wanted', reason_label: '不想要了', amount_fen: 1990,
    decision_reason: '按规则「白名单极速退款」自动同意', created_at: '2026-11-21T23:00:00+00:00',
    auto_rule: { id: 3, name: '白名单极速退款', effect: 'instant_refund', effect_label: '极速退款', text: '按规则「白名单极速退款」自动同意' },
    refund: { id: 5, status: 'succeeded', status_label: '退款成功', amount_fen: 1990, expected_arrival: '已到账' },
    messages: [{ id: 1, author: 'system', author_name: '极速退款', kind: 'approved', text: '商家同意了售后申请：按规则「白名单极速退款」自动同意', photos: [], created_at: '2026-11-21T23:00:01+00:00' }]
  }

  test('shows the rule that approved it once, with the refund and the thread', async () => {
    mockApi({ 'GET /after-sales/41': CASE })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '41' })
    expect(comp.querySelector('#auto-rule')).toBeTruthy()
    expect(text(comp)).toContain('按规则「白名单极速退款」自动同意')
    expect(text(comp)).not.toContain('商家说明')
    expect(text(comp)).toContain('退款成功')
    expect(text(comp)).toContain('协商历史')
  })

  test('a case decided by a person shows the staff note, not a rule', async () => {
    mockApi({ 'GET /after-sales/41': Object.assign({}, CASE, { auto_rule: null, decision_reason: '同意退款' }) })
    const { comp } = await loadPage('pages/after-sales/detail/detail', { id: '41' })
    expect(comp.querySelector('#auto-rule')).toBeFalsy()
    expect(text(comp)).toContain('商家说明：同意退款')
  })
})
