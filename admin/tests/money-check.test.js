import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// 资金核对: the server's report as sent — its explanations, labels and totals; 立即核对 only with refund.retry.
const LABELS = { differences: {}, routes: { wechat: '微信支付', balance: '余额' }, triggers: { job: '每日任务', staff: '手动核对' } }
const CLEAN = {
  checked_at: '2026-12-01T02:00:00+00:00', trigger: 'job', orders_checked: 12, gateway_checked: 12, difference_count: 0,
  ok: true, differences: [], labels: LABELS,
  totals: { paid_fen: 8600, refunded_fen: 1200, kept_fen: 7400, wechat_paid_fen: 7600, balance_paid_fen: 1000,
    wechat_refunded_fen: 0, balance_refunded_fen: 1200 },
}
const FOUND = {
  ...CLEAN, trigger: 'staff', ok: false, difference_count: 1,
  differences: [{ scope: 'shopper', shopper_id: 3, nickname: '小王', kind: 'shopper_balance', label: '顾客余额与余额账本不符',
    expected_fen: 1200, actual_fen: 1201, explanation: '顾客余额 1201 分，余额账本合计 1200 分' }],
}

vi.mock('../src/api/finance', () => ({ getMoneyCheck: vi.fn(), runMoneyCheck: vi.fn() }))
const api = await import('../src/api/finance')
const { default: MoneyCheckView } = await import('../src/views/finance/MoneyCheckView.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAs(permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 7, role: 'finance', permissions }
  const wrapper = mount(MoneyCheckView, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } } })
  await flushPromises()
  return wrapper
}

describe('资金核对 page', { timeout: 30000 }, () => {
  beforeEach(() => {
    api.getMoneyCheck.mockResolvedValue(CLEAN)
    api.runMoneyCheck.mockResolvedValue(FOUND)
  })

  it('shows the last report: all consistent, with the totals per route', async () => {
    const wrapper = await mountAs(['refund.view'])
    expect(wrapper.find('[data-test="money-check-result"]').text()).toContain('全部一致：核对 12 笔订单')
    const totals = wrapper.find('[data-test="money-check-totals"]').text()
    expect(totals).toContain('每日任务')
    expect(totals).toContain('¥86.00')
    expect(totals).toContain('退回余额')
    expect(wrapper.find('[data-test="run-money-check"]').exists()).toBe(false)
  })

  it('立即核对 lists each difference with the server\'s explanation', async () => {
    const wrapper = await mountAs(['refund.view', 'refund.retry'])
    await wrapper.find('[data-test="run-money-check"]').trigger('click')
    await flushPromises()
    expect(api.runMoneyCheck).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-test="money-check-result"]').text()).toContain('发现 1 处差异')
    const table = wrapper.find('[data-test="money-check-differences"]').text()
    expect(table).toContain('顾客 小王')
    expect(table).toContain('顾客余额与余额账本不符')
    expect(table).toContain('余额账本合计 1200 分')
  })

  it('before any run it says so', async () => {
    api.getMoneyCheck.mockResolvedValue({ ...CLEAN, checked_at: null, differences: [] })
    const wrapper = await mountAs(['refund.view'])
    expect(wrapper.text()).toContain('还没有核对记录')
  })
})
