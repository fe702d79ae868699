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
    actions: ['approve', 'reject', 'offer_alternative'] },
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

const buttons = (wrapper) => wrapper.findAll('[data-test="request-table"] button').map((b) => b.attributes('data-test'))
  .filter((name) => name && /-\d+$/.test(name))

describe('审核 page', () => {
  beforeEach(() => vi.clearAllMocks())

  it('draws exactly the buttons the server sent for each row, and nothing on a decided request', async () => {
    const wrapper = await mountList()
    expect(new Set(buttons(wrapper))).toEqual(new Set(
      ['reject-1', 'alternative-1', 'approve-5', 'reject-5', 'alternative-5', 'approve-2', 'reject-2', 'reject-3', 'alternative-3']))
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

  it('shows the amount the cancel refunds in the 同意 confirmation', async () => {
    const wrapper = await mountList()
    await wrapper.find('[data-test="approve-5"]').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('原路退款 ¥597.00')
    wrapper.unmount()
  })
})
