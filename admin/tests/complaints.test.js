import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// What the server sends: countdown words and `actions` for the signed-in staff member.
const deadlines = (reply, resolve) => [
  { kind: 'reply', label: '首次回复', due_at: '2026-03-02T16:00:00+08:00', met: reply === '已完成', overdue: false, alert: reply.startsWith('还剩 3'), countdown: reply },
  { kind: 'resolve', label: '处理完成', due_at: '2026-03-04T16:00:00+08:00', met: false, overdue: false, alert: false, countdown: resolve },
]
const ROWS = [
  { id: 1, complaint_id: '200220260301000000000000001', order_id: 9, amount_fen: 9900, complaint_time: '2026-03-01T16:00:00+08:00', state: 'pending', state_label: '待回复', detail: '商品与描述不符', deadlines: deadlines('还剩 3小时20分', '还剩 2天3小时20分') },
  { id: 2, complaint_id: '200220260301000000000000002', order_id: 10, amount_fen: 500, complaint_time: '2026-03-01T10:00:00+08:00', state: 'processing', state_label: '处理中', detail: '迟迟不发货', deadlines: deadlines('已完成', '还剩 1天2小时0分') },
]
const DETAIL = {
  ...ROWS[1], problem_description: '其他问题', user_complaint_times: 1, media_urls: ['https://example.com/a.jpg'],
  order_id: null, history: [{ log_id: 'a', operator: '用户', operate_time: '2026-03-01T10:00:00+08:00', operate_type: 'USER_CREATE_COMPLAINT', operate_type_label: '用户提交投诉', details: '迟迟不发货' }],
  history_error: null, actions: ['respond', 'update_refund_progress'],
}
vi.mock('vue-router', () => ({ useRoute: () => ({ query: { state: 'pending' } }) }))
vi.mock('../src/api/complaints', () => ({
  listComplaints: vi.fn().mockResolvedValue({ items: ROWS, total: 2 }),
  getComplaint: vi.fn(),
  respondComplaint: vi.fn(),
  updateComplaintRefund: vi.fn(),
  completeComplaint: vi.fn(),
}))

const api = await import('../src/api/complaints')
const { default: ComplaintList } = await import('../src/views/complaints/ComplaintList.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountPage() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 3, role: 'customer_service', permissions: ['complaint.view', 'complaint.respond'] }
  const wrapper = mount(ComplaintList, { global: { plugins: [pinia, ElementPlus], stubs: { OrderDetail: true } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const drawerButtons = () => [...document.querySelectorAll('[data-test="complaint-detail"] .actions button')]
  .map((b) => b.getAttribute('data-test'))

describe('投诉 page', () => {
  beforeEach(() => vi.clearAllMocks())

  it('lists complaints with the countdown to each deadline, opening on the state asked for in the link', async () => {
    const wrapper = await mountPage()
    expect(api.listComplaints).toHaveBeenCalledWith(expect.objectContaining({ state: 'pending', due_soon: false }))
    expect(wrapper.find('[data-test="countdown-reply-1"]').text()).toBe('还剩 3小时20分')
    expect(wrapper.find('[data-test="countdown-reply-1"]').classes()).toContain('alert')
    expect(wrapper.find('[data-test="countdown-resolve-2"]').text()).toBe('还剩 1天2小时0分')
    wrapper.unmount()
  })

  it('draws exactly the buttons in the complaint\'s actions, and a reply goes to the server', async () => {
    api.getComplaint.mockResolvedValue(DETAIL)
    api.respondComplaint.mockResolvedValue({ ...DETAIL, actions: ['respond', 'update_refund_progress', 'complete'] })
    const wrapper = await mountPage()
    await wrapper.find('[data-test="open-2"]').trigger('click')
    await flushPromises()
    expect(drawerButtons()).toEqual(['respond', 'update_refund_progress'])
    expect(document.querySelector('[data-test="complaint-history"]').textContent).toContain('用户提交投诉')

    document.querySelector('[data-test="respond"]').click()
    await flushPromises()
    const textarea = document.querySelector('textarea[data-test="reply-text"], [data-test="reply-text"] textarea')
    textarea.value = '您好，已为您安排退款'
    textarea.dispatchEvent(new Event('input'))
    document.querySelector('[data-test="reply-submit"]').click()
    await flushPromises()
    expect(api.respondComplaint).toHaveBeenCalledWith(2, '您好，已为您安排退款')
    expect(drawerButtons()).toEqual(['respond', 'update_refund_progress', 'complete'])
    wrapper.unmount()
  })
})
