import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import './setup-element'

vi.mock('../src/api/orders', () => ({
  acceptOrder: vi.fn(), shipOrder: vi.fn(), cancelOrder: vi.fn(), modifyOrder: vi.fn().mockResolvedValue({}),
  previewModify: vi.fn().mockResolvedValue({ refund_fen: 8600, allowed: true, password_required: false,
    message: '修改后退还差价 86.00 元（原路退回）' }),
}))
vi.mock('../src/api/requests', () => ({ approveRequest: vi.fn(), rejectRequest: vi.fn(), offerAlternative: vi.fn() }))
vi.mock('../src/api/refunds', () => ({ retryRefund: vi.fn() }))

const ordersApi = await import('../src/api/orders')
const { default: OrderActions } = await import('../src/components/OrderActions.vue')
const { default: OrderModifyDialog } = await import('../src/components/OrderModifyDialog.vue')

const order = (actions, extra = {}) => ({
  id: 7, status: 'accepted', paid_fen: 25800, actions,
  receiver_name: '张三', receiver_phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区',
  address_detail: '科技园路 1 号', remark: '',
  items: [{ id: 11, product_name: '保温杯', sku_name: '白色', quantity: 3, refunded_quantity: 1 }],
  modifiable: { allowed: true, increase_quantity: false }, ...extra,
})
const plugins = () => ({ global: { plugins: [ElementPlus, createPinia()] }, attachTo: document.body })

describe('staff modify order', () => {
  it('offers 修改订单 only when the server lists "modify"', async () => {
    const withModify = mount(OrderActions, { props: { order: order(['ship', 'modify']) }, ...plugins() })
    expect(withModify.find('[data-test="action-modify"]').text()).toBe('修改订单')
    await withModify.find('[data-test="action-modify"]').trigger('click')
    await nextTick()
    expect(withModify.vm.$.setupState.modifying).toBe(true)
    withModify.unmount()
    const without = mount(OrderActions, { props: { order: order(['ship']) }, ...plugins() })
    expect(without.find('[data-test="action-modify"]').exists()).toBe(false)
    without.unmount()
  })

  it('sends only what changed, quantities counted from units not yet refunded', async () => {
    const wrapper = mount(OrderModifyDialog, { props: { order: order(['modify']), modelValue: true }, ...plugins() })
    const { form } = wrapper.vm
    expect(form.quantities[11]).toBe(2)
    form.receiver_phone = ' 13900139000 '
    form.remark = '请周末送'
    form.quantities[11] = 1
    await wrapper.vm.submit()
    expect(ordersApi.modifyOrder).toHaveBeenCalledWith(7, {
      receiver_phone: '13900139000', remark: '请周末送', lines: [{ line_id: 11, quantity: 1 }],
    }, undefined)
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(wrapper.emitted('update:modelValue')).toEqual([[false]])
    wrapper.unmount()
  })

  it('sends nothing when nothing changed', async () => {
    ordersApi.modifyOrder.mockClear()
    const wrapper = mount(OrderModifyDialog, { props: { order: order(['modify']), modelValue: true }, ...plugins() })
    await wrapper.vm.submit()
    expect(ordersApi.modifyOrder).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('shows the difference a decrease refunds on the confirm button before it is pressed', async () => {
    const wrapper = mount(OrderModifyDialog, { props: { order: order(['modify']), modelValue: true }, ...plugins() })
    wrapper.vm.form.quantities[11] = 1
    await new Promise((resolve) => setTimeout(resolve, 0))
    await nextTick()
    expect(ordersApi.previewModify).toHaveBeenLastCalledWith(7, { lines: [{ line_id: 11, quantity: 1 }] })
    expect(document.body.querySelector('[data-test="modify-confirm"]').textContent).toContain('86.00')
    expect(document.body.querySelector('[data-test="modify-preview"]').textContent).toContain('退还差价')
    wrapper.unmount()
  })
})
