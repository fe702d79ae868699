import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

vi.mock('../src/api/todo', () => ({
  getTodo: vi.fn().mockResolvedValue({
    todo: { cancel_requests: 1, modify_requests: 0, after_sales: 3, escalated_after_sales: 2, abnormal_refunds: 0,
      reconciliation_mismatches: 0, returns_to_receive: 4, orders_to_ship: 7, total: 8 },
    today: { orders: 5, cancellations: 1, refunds: 0, refund_fen: 0 },
  }),
}))

const { default: DashboardView } = await import('../src/views/DashboardView.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAs(permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 1, role: 'customer_service', permissions }
  const wrapper = mount(DashboardView, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } } })
  await flushPromises()
  return wrapper
}

describe('工作台', () => {
  it('counts escalated after-sales on their own and links to them in 审核', async () => {
    const wrapper = await mountAs(['order.view', 'request.review', 'after_sale.view'])
    const card = wrapper.findAllComponents(RouterLinkStub).find((link) => link.attributes('data-test') === 'todo-escalated_after_sales')
    expect(card.props('to')).toBe('/reviews?kind=after_sale&escalated=true')
    expect(card.text()).toContain('售后超时升级')
    expect(card.text()).toContain('2')
  })

  it('hides the card from roles that cannot review', async () => {
    const wrapper = await mountAs(['order.view', 'after_sale.view'])
    expect(wrapper.find('[data-test="todo-escalated_after_sales"]').exists()).toBe(false)
  })

  it('shows the warehouse the returns on their way back, linked to the 售后 page filtered to them', async () => {
    const wrapper = await mountAs(['order.view', 'after_sale.view', 'after_sale.receive'])
    const card = wrapper.findAllComponents(RouterLinkStub).find((link) => link.attributes('data-test') === 'todo-returns_to_receive')
    expect(card.props('to')).toBe('/after-sales?status=returning')
    expect(card.text()).toContain('退货待收货')
    expect(card.text()).toContain('4')
  })

  it('hides the returns card from staff who cannot receive goods', async () => {
    const wrapper = await mountAs(['order.view', 'request.review', 'after_sale.view'])
    expect(wrapper.find('[data-test="todo-returns_to_receive"]').exists()).toBe(false)
  })

  it('shows the warehouse the orders waiting to ship, linked to the order list filtered to 待发货', async () => {
    const wrapper = await mountAs(['order.view', 'order.ship'])
    const card = wrapper.findAllComponents(RouterLinkStub).find((link) => link.attributes('data-test') === 'todo-orders_to_ship')
    expect(card.props('to')).toBe('/orders?status=paid')
    expect(card.text()).toContain('待发货')
    expect(card.text()).toContain('7')
  })
})
