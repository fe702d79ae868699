import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// `actions` are the server's answer for the signed-in staff member; the page must not second-guess them.
const CASES = [
  { id: 1, request_id: 11, order_id: 9, type: 'repair', status: 'repairing', actions: ['return_repaired'] },
  { id: 2, request_id: 12, order_id: 9, type: 'exchange', status: 'exchanging', actions: ['ship_replacement'] },
  { id: 3, request_id: 13, order_id: 9, type: 'return_refund', status: 'returning', actions: [] },
  { id: 4, request_id: 14, order_id: 9, type: 'return_refund', status: 'pending', actions: ['approve', 'reject'] },
  { id: 5, request_id: 15, order_id: 9, type: 'exchange', status: 'awaiting_return', actions: ['receive'] },
  { id: 6, request_id: 16, order_id: 9, type: 'return_refund', status: 'pending', amount_fen: 9900, actions: ['propose'],
    deadline_label: '还剩 1天3小时', deadline_stage: '商家处理',
    messages: [{ id: 1, author: 'shopper', author_name: '顾客', kind: 'apply', text: '申请退货退款：质量问题', photos: [], created_at: '2026-11-21T23:00:00+00:00' }] },
]
vi.mock('vue-router', () => ({ useRoute: () => ({ query: { status: 'returning' } }), useRouter: () => ({ replace: vi.fn() }) }))
vi.mock('../src/api/afterSales', () => ({
  listAfterSales: vi.fn().mockResolvedValue({ items: CASES, total: 5 }),
  receiveReturn: vi.fn(), shipReplacement: vi.fn().mockResolvedValue({}), returnRepaired: vi.fn().mockResolvedValue({}),
  proposeAfterSale: vi.fn(),
}))
vi.mock('../src/api/requests', () => ({ approveRequest: vi.fn().mockResolvedValue({}), rejectRequest: vi.fn() }))
vi.mock('../src/api/shipping', () => ({ listCarriers: vi.fn().mockResolvedValue([{ code: 'SF', name: '顺丰速运' }]) }))

const api = await import('../src/api/afterSales')
const { default: AfterSaleList } = await import('../src/views/after-sales/AfterSaleList.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAs(role, permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 5, role, permissions }
  const wrapper = mount(AfterSaleList, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const buttons = (wrapper) => wrapper.findAll('[data-test="after-sale-table"] button').map((b) => b.attributes('data-test'))
  .filter((name) => name && /-\d+$/.test(name))

describe('售后 page', () => {
  beforeEach(() => vi.clearAllMocks())

  it('draws exactly the buttons the server sent, whatever the status or the role', async () => {
    // A warehouse member whose permissions would allow receipt still gets no button on case 3: the server said no.
    const wrapper = await mountAs('warehouse', ['after_sale.view', 'after_sale.receive'])
    expect(new Set(buttons(wrapper))).toEqual(new Set(
      ['return_repaired-1', 'ship_replacement-2', 'approve-4', 'reject-4', 'receive-5', 'propose-6']))
    wrapper.unmount()
  })

  it('opens on the status asked for in the link (the 工作台 card)', async () => {
    const wrapper = await mountAs('warehouse', ['after_sale.view', 'after_sale.receive'])
    expect(api.listAfterSales).toHaveBeenCalledWith(expect.objectContaining({ status: 'returning' }))
    wrapper.unmount()
  })

  it('sends a repaired item back through return-repaired and an exchange through ship-replacement', async () => {
    const wrapper = await mountAs('warehouse', ['after_sale.view', 'after_sale.receive'])
    const state = wrapper.vm.$.setupState

    state.BUTTONS.return_repaired.run(CASES[0])
    Object.assign(state.ship, { carrier: '顺丰速运', trackingNo: ' SF999888777 ' })
    await state.submitShip()
    expect(api.returnRepaired).toHaveBeenCalledWith(1, '顺丰速运', 'SF999888777')
    expect(api.shipReplacement).not.toHaveBeenCalled()

    state.BUTTONS.ship_replacement.run(CASES[1])
    Object.assign(state.ship, { carrier: '中通快递', trackingNo: 'ZT1234567' })
    await state.submitShip()
    expect(api.shipReplacement).toHaveBeenCalledWith(2, '中通快递', 'ZT1234567')
    wrapper.unmount()
  })

  it('shows the stage countdown the server computed', async () => {
    const wrapper = await mountAs('supervisor', ['after_sale.view', 'request.review'])
    expect(wrapper.find('[data-test="deadline-6"]').text()).toBe('商家处理：还剩 1天3小时')
    wrapper.unmount()
  })

  it('协商: offers only the kinds that fit the case, sends yuan as fen, asks the password again when told', async () => {
    const wrapper = await mountAs('supervisor', ['after_sale.view', 'request.review'])
    const state = wrapper.vm.$.setupState
    state.BUTTONS.propose.run(CASES[5])
    expect(state.proposalKinds.map((k) => k.value)).toEqual(['change_type', 'change_amount', 'more_evidence', 'withdraw'])
    state.BUTTONS.propose.run({ ...CASES[5], type: 'exchange' })
    expect(state.proposalKinds.map((k) => k.value)).toEqual(['more_evidence', 'withdraw'])

    state.BUTTONS.propose.run(CASES[5])
    await state.submitProposal()
    expect(api.proposeAfterSale).not.toHaveBeenCalled()
    const { ElMessageBox } = await import('element-plus')
    vi.spyOn(ElMessageBox, 'prompt').mockResolvedValue({ value: 'secret-pass' })
    api.proposeAfterSale.mockRejectedValueOnce(Object.assign(new Error('需要二次验证'), { code: 'PASSWORD_REQUIRED' }))
      .mockResolvedValueOnce({})
    Object.assign(state.proposal, { kind: 'change_amount', amount: '50.5', message: '补偿一半' })
    await state.submitProposal()
    expect(api.proposeAfterSale).toHaveBeenLastCalledWith(6, { kind: 'change_amount', amount_fen: 5050, message: '补偿一半' }, 'secret-pass')
    expect(state.proposal.open).toBe(false)
    wrapper.unmount()
  })

  // Issue 12 item 7: the amount in every confirmation that moves money.
  it('asks the server\'s question (amount and route) when approving, and names the refund when receiving a return', async () => {
    const wrapper = await mountAs('supervisor', ['after_sale.view', 'request.review', 'after_sale.receive'])
    const state = wrapper.vm.$.setupState
    const { ElMessageBox } = await import('element-plus')
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm')
    const question = '确认同意该售后申请（仅退款）？同意后立即退款 ¥45.50，原路退回微信支付。'
    await state.BUTTONS.approve.run({ ...CASES[3], type: 'refund_only', amount_fen: 4550, confirm_text: question })
    expect(confirm.mock.calls[0][0]).toBe(question)

    state.BUTTONS.receive.run({ ...CASES[4], type: 'return_refund', amount_fen: 9900 })
    await flushPromises()
    expect(document.querySelector('[data-test="receive-amount"]').textContent).toContain('¥99.00')
    expect(document.querySelector('[data-test="receive-confirm"]').textContent).toContain('确认收货并退款 ¥99.00')
    state.receive.open = false
    state.BUTTONS.receive.run(CASES[4]) // an exchange: no money moves
    await flushPromises()
    expect(state.receiveRefund).toBe(null)
    confirm.mockRestore()
    wrapper.unmount()
  })

  it('one click on 确认收货 sends one request', async () => {
    const wrapper = await mountAs('warehouse', ['after_sale.view', 'after_sale.receive'])
    const state = wrapper.vm.$.setupState
    let finish
    api.receiveReturn.mockImplementationOnce(() => new Promise((resolve) => { finish = resolve }))
    state.BUTTONS.receive.run(CASES[4])
    const first = state.submitReceive()
    await state.submitReceive()
    finish({})
    await first
    expect(api.receiveReturn).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })

  it('reloads while a case\'s refund is on its way and stops once it has settled', async () => {
    vi.useFakeTimers()
    try {
      api.listAfterSales
        .mockResolvedValueOnce({ items: [{ ...CASES[2], status: 'completed', refund: { status: 'processing', amount_fen: 100 } }], total: 1 })
        .mockResolvedValueOnce({ items: [{ ...CASES[2], status: 'completed', refund: { status: 'succeeded', amount_fen: 100 } }], total: 1 })
      const wrapper = await mountAs('warehouse', ['after_sale.view'])
      expect(api.listAfterSales).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(5000)
      expect(api.listAfterSales).toHaveBeenCalledTimes(2)
      await vi.advanceTimersByTimeAsync(20000)
      expect(api.listAfterSales).toHaveBeenCalledTimes(2)
      wrapper.unmount()
    } finally {
      vi.useRealTimers()
    }
  })
})
