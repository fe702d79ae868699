import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import './setup-element'

const PAGE = {
  items: [
    { id: 7, order_no: '20261201120000000007', status: 'paid', refund_status: 'none', total_fen: 1990, paid_fen: 1990, items: [] },
    { id: 8, order_no: '20261201120000000008', status: 'paid', refund_status: 'none', total_fen: 990, paid_fen: 990, items: [] },
  ],
  total: 2,
  total_capped: false,
  status_counts: [
    { status: 'pending_payment', label: '待付款', count: 3, capped: false },
    { status: 'paid', label: '待发货', count: 2, capped: false },
    { status: 'completed', label: '已完成', count: 10000, capped: true },
  ],
}
vi.mock('../src/api/orders', () => ({
  listOrders: vi.fn(async () => PAGE),
  getOrder: vi.fn(async (id) => ({ id: Number(id), order_no: `2026120112000000000${id}`, receiver_name: '张三',
    receiver_phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', address_detail: '科技园 1 号',
    remark: '请放门口', items: [{ id: 1, product_name: '蓝牙耳机', sku_name: '白色', quantity: 2 }] })),
  exportOrders: vi.fn(async () => {}),
  startExport: vi.fn(),
  getExport: vi.fn(),
  downloadExport: vi.fn(),
}))

const api = await import('../src/api/orders')
const { default: OrderList } = await import('../src/views/orders/OrderList.vue')
const { default: PackingSlips } = await import('../src/views/orders/PackingSlips.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAt(url, component = OrderList) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 1, role: 'customer_service', permissions: ['order.view', 'order.export'] }
  const router = createRouter({ history: createMemoryHistory('/admin/'), routes: [
    { path: '/orders', component: OrderList }, { path: '/print/packing', component: PackingSlips },
  ] })
  await router.push(url)
  const wrapper = mount(component, { global: { plugins: [pinia, router, ElementPlus], stubs: { OrderDetail: true } } })
  await flushPromises()
  return { wrapper, router }
}

describe('订单列表', () => {
  it('draws a tab per status with the server\'s counts, 10000+ when capped', async () => {
    const { wrapper } = await mountAt('/orders')
    const tabs = wrapper.findAll('.el-tabs__item').map((tab) => tab.text())
    expect(tabs).toEqual(['全部（10005+）', '待付款（3）', '待发货（2）', '已完成（10000+）'])
  })

  it('starts from the filters and page in the address, and writes them back', async () => {
    api.listOrders.mockClear()
    const { router } = await mountAt('/orders?status=paid&shopper=13800138000&page=3&created_from=2026-11-01&created_to=2026-11-30')
    expect(api.listOrders).toHaveBeenCalledTimes(1)
    expect(api.listOrders.mock.calls[0][0]).toMatchObject({
      status: 'paid', shopper: '13800138000', page: 3, created_from: '2026-11-01', created_to: '2026-11-30',
    })
    expect(router.currentRoute.value.query).toMatchObject({ status: 'paid', shopper: '13800138000', page: '3' })
  })

  it('prints 发货单 for the selected orders only once some are selected', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null)
    const { wrapper } = await mountAt('/orders')
    const print = wrapper.get('[data-test="order-print"]')
    expect(print.attributes('disabled')).toBeDefined()
    await wrapper.findAll('.el-table__body .el-checkbox input').forEach((box) => box.setValue(true))
    await flushPromises()
    expect(wrapper.get('[data-test="order-selected"]').text()).toBe('已选 2 单')
    await wrapper.get('[data-test="order-print"]').trigger('click')
    expect(open).toHaveBeenCalledWith('/admin/print/packing?ids=7,8', '_blank')
    open.mockRestore()
  })

  it('exports .xlsx at once under the cap', async () => {
    const { wrapper } = await mountAt('/orders?status=paid')
    await wrapper.get('[data-test="order-export"]').trigger('click')
    await flushPromises()
    expect(api.exportOrders).toHaveBeenCalledWith(expect.objectContaining({ status: 'paid' }))
    expect(api.startExport).not.toHaveBeenCalled()
  })
})

describe('打印发货单', () => {
  it('shows one slip per order with receiver, lines and remark, then opens the print dialog once', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {})
    const { wrapper } = await mountAt('/print/packing?ids=7,8', PackingSlips)
    const slips = wrapper.findAll('section.slip')
    expect(slips).toHaveLength(2)
    expect(slips[0].text()).toContain('20261201120000000007')
    expect(slips[0].text()).toContain('张三')
    expect(slips[0].text()).toContain('蓝牙耳机')
    expect(slips[0].text()).toContain('请放门口')
    expect(print).toHaveBeenCalledTimes(1)
    print.mockRestore()
  })

  // Issue 12 item 5: an order whose refund is on its way (退款中) keeps the list reloading until it has settled.
  it('reloads while an order\'s refund is 退款中 and stops once it has settled', async () => {
    vi.useFakeTimers()
    try {
      api.listOrders.mockClear()
      const row = (refund_status) => ({ id: 3, order_no: '20261201120000000003', status: 'cancelled', refund_status, items: [] })
      api.listOrders
        .mockResolvedValueOnce({ ...PAGE, items: [row('refunding')], total: 1 })
        .mockResolvedValueOnce({ ...PAGE, items: [row('refunded')], total: 1 })
      const { wrapper } = await mountAt('/orders')
      expect(api.listOrders).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(5000)
      expect(api.listOrders).toHaveBeenCalledTimes(2)
      await vi.advanceTimersByTimeAsync(20000)
      expect(api.listOrders).toHaveBeenCalledTimes(2)
      wrapper.unmount()
    } finally {
      vi.useRealTimers()
    }
  })
})
