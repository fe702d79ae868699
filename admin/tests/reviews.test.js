import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// Request rows carry the server's `actions` for the signed-in staff member: 客服 gets no 同意 on a cancel
// request, and a role whose refund limit the cancel exceeds gets none either (with the reason shown).
const REQUESTS = [
  { id: 1, kind: 'cancel', status: 'pending', order_id: 9, actions: ['reject', 'offer_alternative'] },
  { id: 5, kind: 'cancel', status: 'pending', order_id: 9, paid_fen: 59700, refund_fen: 59700,
    confirm_text: '确认同意该取消申请？同意后订单将取消，并退款 ¥597.00，原路退回微信支付。',
    actions: ['approve', 'reject', 'offer_alternative'] },
  // an after-sales 仅退款 and a 退货退款: the server's sentence names the amount and where it goes
  { id: 6, kind: 'after_sale', status: 'pending', order_id: 8, paid_fen: 25600, refund_fen: 12800, refund_after_receipt: false,
    confirm_text: '确认同意该售后申请（仅退款）？同意后立即退款 ¥128.00：¥100.00 原路退回微信支付，¥28.00 原路退回账户余额。',
    actions: ['approve', 'reject'] },
  { id: 7, kind: 'after_sale', status: 'pending', order_id: 7, paid_fen: 9900, refund_fen: 9900, refund_after_receipt: true,
    confirm_text: '确认同意该售后申请（退货退款）？同意后请顾客寄回商品，商家确认收到退货后退款 ¥99.00，原路退回微信支付。',
    actions: ['approve', 'reject'] },
  { id: 2, kind: 'modify', status: 'pending', order_id: 9, actions: ['approve', 'reject'] },
  { id: 3, kind: 'cancel', status: 'pending', order_id: 9, actions: ['reject', 'offer_alternative'],
    approve_refusal: '本单累计退款 ¥597.00 超出客服的退款权限（¥200.00），请交由主管或管理员处理' },
  { id: 4, kind: 'cancel', status: 'approved', order_id: 9, actions: [] },
]
vi.mock('../src/api/todo', () => ({
  getTodo: vi.fn().mockResolvedValue({ todo: { cancel_requests: 3, modify_requests: 1, after_sales: 0 } }),
}))
vi.mock('vue-router', () => ({ useRoute: () => ({ query: {} }), useRouter: () => ({ replace: vi.fn() }) }))
vi.mock('../src/api/requests', () => ({
  listRequests: vi.fn().mockResolvedValue({ items: REQUESTS, total: 4 }),
  approveRequest: vi.fn().mockResolvedValue({}), rejectRequest: vi.fn(), offerAlternative: vi.fn(),
}))

const { default: ReviewList } = await import('../src/views/reviews/ReviewList.vue')

async function mountList() {
  const pinia = createPinia()
  setActivePinia(pinia)
  const wrapper = mount(ReviewList, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

// the text of the latest confirmation asked (an earlier test's box may still be in the document)
const messageBox = () => [...document.body.querySelectorAll('.el-message-box__message')].at(-1)?.textContent.trim()
const buttons = (wrapper) => wrapper.findAll('[data-test="request-table"] button').map((b) => b.attributes('data-test'))
  .filter((name) => name && /-\d+$/.test(name))

describe('审核 page', () => {
  beforeEach(() => vi.clearAllMocks())

  it('draws exactly the buttons the server sent for each row, and nothing on a decided request', async () => {
    const wrapper = await mountList()
    expect(new Set(buttons(wrapper))).toEqual(new Set(
      ['reject-1', 'alternative-1', 'approve-5', 'reject-5', 'alternative-5', 'approve-6', 'reject-6', 'approve-7',
        'reject-7', 'approve-2', 'reject-2', 'reject-3', 'alternative-3']))
    wrapper.unmount()
  })

  it('says why 同意 is missing when the refund is over the role limit', async () => {
    const wrapper = await mountList()
    expect(wrapper.find('[data-test="approve-refusal-3"]').text()).toContain('超出客服的退款权限')
    expect(wrapper.find('[data-test="approve-refusal-1"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('counts the waiting requests on the tabs', async () => {
    const wrapper = await mountList()
    const tabs = wrapper.findAll('.el-tabs__item').map((t) => t.text())
    expect(tabs).toEqual(['全部 (4)', '取消申请 (3)', '修改申请 (1)', '售后申请'])
    wrapper.unmount()
  })

  it('asks the server\'s sentence, amount and route included, before 同意 on a cancel', async () => {
    const wrapper = await mountList()
    await wrapper.find('[data-test="approve-5"]').trigger('click')
    await flushPromises()
    expect(messageBox()).toContain('同意后订单将取消，并退款 ¥597.00，原路退回微信支付。')
    wrapper.unmount()
  })

  it('shows the amount an after-sales 仅退款 refunds, and each route, in its 同意 confirmation', async () => {
    const wrapper = await mountList()
    await wrapper.find('[data-test="approve-6"]').trigger('click')
    await flushPromises()
    expect(messageBox()).toBe(REQUESTS.find((row) => row.id === 6).confirm_text)
    expect(messageBox()).toContain('¥128.00')
    wrapper.unmount()
  })

  it('states what the selected requests refund together in the 批量同意 dialog', async () => {
    const wrapper = await mountList()
    // tick the row's selection box, found by the row's 同意 button
    const boxes = wrapper.findAll('[data-test="request-table"] .el-table__body .el-checkbox input')
    const select = async (id) => {
      await boxes.find((box) => box.element.closest('tr').querySelector(`[data-test="approve-${id}"]`)).setValue(true)
    }
    await select(6)
    await select(7)
    await flushPromises()
    await wrapper.find('[data-test="batch-approve"]').trigger('click')
    await flushPromises()
    const note = document.body.querySelector('[data-test="batch-approve-note"]')
    expect(note.textContent).toContain('同意后共退款 ¥227.00（2 项），按各单原路退回，其中 ¥99.00 在确认收到退货后退款。')
    wrapper.unmount()
  })
})
