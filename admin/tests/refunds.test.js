import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus, { ElMessageBox } from 'element-plus'
import './setup-element'

// `actions` (and their labels) are the server's answer for the signed-in staff member; the page draws them as sent.
const LABELS = {
  retry: '手动重试', reroute_to_user_bank_card: '退到顾客银行卡', reroute_to_merchant_bank_card: '退到商户银行卡',
  refund_to_balance: '改退到余额', reissue: '重新发起退款',
}
const labelsOf = (actions) => Object.fromEntries(actions.map((a) => [a, LABELS[a]]))
const ROWS = [
  { id: 1, out_refund_no: 'R1', amount_fen: 1000, status: 'abnormal', actions: ['retry'] },
  { id: 2, out_refund_no: 'R2', amount_fen: 2000, status: 'wechat_abnormal',
    actions: ['reroute_to_user_bank_card', 'reroute_to_merchant_bank_card', 'refund_to_balance'] },
  { id: 3, out_refund_no: 'R3', amount_fen: 3000, status: 'closed', actions: ['reissue', 'refund_to_balance'] },
  { id: 4, out_refund_no: 'R4', amount_fen: 4000, status: 'closed', replaced_by_id: 5, actions: [] },
  { id: 5, out_refund_no: 'R5', amount_fen: 4000, status: 'succeeded', actions: [] },
].map((row) => ({ ...row, action_labels: labelsOf(row.actions) }))

vi.mock('vue-router', () => ({ useRoute: () => ({ query: {} }), useRouter: () => ({ replace: vi.fn() }) }))
vi.mock('../src/api/refunds', () => ({
  listRefunds: vi.fn().mockResolvedValue({ items: ROWS, total: 5 }),
  listReconciliationRuns: vi.fn().mockResolvedValue({ items: [] }),
  listMismatches: vi.fn().mockResolvedValue({ items: [] }),
  retryRefund: vi.fn().mockResolvedValue({}),
  rerouteRefund: vi.fn().mockResolvedValue({}),
  refundToBalance: vi.fn().mockResolvedValue({}),
  reissueRefund: vi.fn().mockResolvedValue({}),
}))

const api = await import('../src/api/refunds')
const { default: RefundList } = await import('../src/views/refunds/RefundList.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAs(role, permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 7, role, permissions }
  const wrapper = mount(RefundList, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } },
    attachTo: document.body })
  await flushPromises()
  return wrapper
}

const buttons = (wrapper) => wrapper.findAll('[data-test="refund-table"] button')
  .map((b) => [b.attributes('data-test'), b.text()]).filter(([name]) => name && /-\d+$/.test(name))

describe('退款 page', { timeout: 30000 }, () => {
  beforeEach(() => vi.clearAllMocks())

  it('draws exactly the buttons the server sent, with the server\'s words', async () => {
    const wrapper = await mountAs('finance', ['refund.view', 'refund.retry', 'refund.resolve'])
    const drawn = buttons(wrapper)
    expect(new Set(drawn.map(([name]) => name))).toEqual(new Set([
      'retry-1', 'reroute_to_user_bank_card-2', 'reroute_to_merchant_bank_card-2', 'refund_to_balance-2',
      'reissue-3', 'refund_to_balance-3']))
    expect(Object.fromEntries(drawn)['reissue-3']).toBe('重新发起退款')
    wrapper.unmount()
  })

  it('draws no button the server did not send, even for an administrator', async () => {
    const rows = ROWS.map((row) => ({ ...row, actions: [], action_labels: {} }))
    api.listRefunds.mockResolvedValueOnce({ items: rows, total: rows.length })
    const wrapper = await mountAs('admin', ['refund.view', 'refund.retry', 'refund.resolve'])
    expect(buttons(wrapper)).toEqual([])
    wrapper.unmount()
  })

  it('re-issues a closed refund and re-routes a WeChat-abnormal one to the merchant\'s card after confirmation', async () => {
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm')
    const wrapper = await mountAs('finance', ['refund.view', 'refund.resolve'])
    await wrapper.find('[data-test="reissue-3"]').trigger('click')
    await flushPromises()
    expect(api.reissueRefund).toHaveBeenCalledWith(3)
    await wrapper.find('[data-test="reroute_to_merchant_bank_card-2"]').trigger('click')
    await flushPromises()
    expect(api.rerouteRefund).toHaveBeenCalledWith(2, { route: 'merchant_bank_card' })
    wrapper.unmount()
  })

  it('asks for the shopper\'s card before re-routing to it', async () => {
    const wrapper = await mountAs('finance', ['refund.view', 'refund.resolve'])
    const state = wrapper.vm.$.setupState
    await state.act(ROWS[1], 'reroute_to_user_bank_card')
    expect(api.rerouteRefund).not.toHaveBeenCalled()
    Object.assign(state.bankCard, { bank_type: 'ICBC_DEBIT', bank_account: ' 6222020200112233445 ', real_name: '张三' })
    await state.submitBankCard()
    expect(api.rerouteRefund).toHaveBeenCalledWith(2, {
      route: 'user_bank_card', bank_type: 'ICBC_DEBIT', bank_account: '6222020200112233445', real_name: '张三' })
    wrapper.unmount()
  })

  // Issue 12 item 5: the list follows a refund still settling (待提交, 退款中, 失败重试中: the server retries it)
  // by itself, and stops asking once every row has settled.
  it('reloads while a refund is pending, processing or failed-and-retrying, and stops once settled', async () => {
    vi.useFakeTimers()
    try {
      for (const status of ['pending', 'processing', 'failed']) {
        api.listRefunds.mockClear()
        api.listRefunds
          .mockResolvedValueOnce({ items: [{ ...ROWS[4], status }], total: 1 })
          .mockResolvedValueOnce({ items: [{ ...ROWS[4], status: 'succeeded' }], total: 1 })
        const wrapper = await mountAs('finance', ['refund.view'])
        expect(api.listRefunds).toHaveBeenCalledTimes(1)
        await vi.advanceTimersByTimeAsync(5000)
        expect(api.listRefunds).toHaveBeenCalledTimes(2)
        await vi.advanceTimersByTimeAsync(20000)
        expect(api.listRefunds).toHaveBeenCalledTimes(2)
        wrapper.unmount()
      }
    } finally {
      vi.useRealTimers()
    }
  })
})
