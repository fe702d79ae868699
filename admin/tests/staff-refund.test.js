import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import './setup-element'

vi.mock('../src/api/orders', () => ({
  acceptOrder: vi.fn(), shipOrder: vi.fn(), cancelOrder: vi.fn(), modifyOrder: vi.fn(),
  refundOrder: vi.fn().mockResolvedValue({}),
  previewRefund: vi.fn().mockResolvedValue({ amount_fen: 3300, shipping_fen: 0, allowed: true, password_required: false,
    message: '本次退款 33.00 元' }),
}))
vi.mock('../src/api/requests', () => ({ approveRequest: vi.fn(), rejectRequest: vi.fn(), offerAlternative: vi.fn() }))
vi.mock('../src/api/refunds', () => ({ retryRefund: vi.fn() }))

const ordersApi = await import('../src/api/orders')
const { default: OrderActions } = await import('../src/components/OrderActions.vue')
const { default: StaffRefundDialog } = await import('../src/components/StaffRefundDialog.vue')

const order = (actions) => ({
  id: 7, status: 'paid', paid_fen: 6600, refunded_fen: 0, actions,
  items: [{ id: 11, product_name: '快充数据线', sku_name: '1米', quantity: 2, refunded_quantity: 0 }],
})
const plugins = () => ({ global: { plugins: [ElementPlus, createPinia()] }, attachTo: document.body })

describe('staff refund (R8)', () => {
  it('offers 发起退款 only when the server lists "refund"', () => {
    const withRefund = mount(OrderActions, { props: { order: order(['refund']) }, ...plugins() })
    expect(withRefund.find('[data-test="action-refund"]').text()).toBe('发起退款')
    withRefund.unmount()
    const without = mount(OrderActions, { props: { order: order(['ship']) }, ...plugins() })
    expect(without.find('[data-test="action-refund"]').exists()).toBe(false)
    without.unmount()
  })

  it('sends chosen lines, or an amount typed in yuan as fen, with the reason', async () => {
    const wrapper = mount(StaffRefundDialog, { props: { order: order(['refund']), modelValue: true }, ...plugins() })
    const { form } = wrapper.vm
    form.quantities[11] = 1
    form.reason = ' 商品有划痕 '
    await wrapper.vm.submit()
    expect(ordersApi.refundOrder).toHaveBeenLastCalledWith(7, {
      kind: 'lines', reason: '商品有划痕', method: 'wechat', lines: [{ line_id: 11, quantity: 1 }],
    }, undefined)
    Object.assign(form, { kind: 'amount', amountYuan: '12.5', method: 'balance' })
    await wrapper.vm.submit()
    expect(ordersApi.refundOrder).toHaveBeenLastCalledWith(7, {
      kind: 'amount', reason: '商品有划痕', method: 'balance', amount_fen: 1250,
    }, undefined)
    expect(wrapper.emitted('changed')).toHaveLength(2)
    wrapper.unmount()
  })

  it('shows the amount the server would pay back on the confirm button before it is pressed', async () => {
    const wrapper = mount(StaffRefundDialog, { props: { order: order(['refund']), modelValue: true }, ...plugins() })
    wrapper.vm.form.quantities[11] = 1
    await new Promise((resolve) => setTimeout(resolve, 0))
    await wrapper.vm.$nextTick()
    expect(ordersApi.previewRefund).toHaveBeenLastCalledWith(7, expect.objectContaining({
      kind: 'lines', lines: [{ line_id: 11, quantity: 1 }] }))
    const confirm = document.body.querySelector('[data-test="refund-confirm"]')
    expect(confirm.textContent).toContain('33.00')
    expect(document.body.querySelector('[data-test="refund-preview"]').textContent).toContain('本次退款 33.00 元')
    ordersApi.previewRefund.mockResolvedValueOnce({ amount_fen: 6600, shipping_fen: 0, allowed: false,
      password_required: false, message: '超出您的退款权限' })
    wrapper.vm.form.quantities[11] = 2
    await new Promise((resolve) => setTimeout(resolve, 0))
    await wrapper.vm.$nextTick()
    expect(document.body.querySelector('[data-test="refund-confirm"]').disabled).toBe(true)
    wrapper.unmount()
  })

  it('sends nothing without a reason', async () => {
    ordersApi.refundOrder.mockClear()
    const wrapper = mount(StaffRefundDialog, { props: { order: order(['refund']), modelValue: true }, ...plugins() })
    wrapper.vm.form.kind = 'shipping'
    await wrapper.vm.submit()
    expect(ordersApi.refundOrder).not.toHaveBeenCalled()
    wrapper.unmount()
  })
})
