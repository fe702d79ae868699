import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import './setup-element'

vi.mock('../src/api/orders', () => ({
  acceptOrder: vi.fn().mockResolvedValue({}), shipOrder: vi.fn().mockResolvedValue({}),
  cancelOrder: vi.fn(), modifyOrder: vi.fn(),
}))
vi.mock('../src/api/requests', () => ({ approveRequest: vi.fn(), rejectRequest: vi.fn(), offerAlternative: vi.fn() }))
vi.mock('../src/api/refunds', () => ({ retryRefund: vi.fn() }))
vi.mock('../src/api/settings', () => ({ getSettings: vi.fn().mockResolvedValue({ items: [] }) }))
vi.mock('../src/api/shipping', () => ({
  listCarriers: vi.fn().mockResolvedValue([{ code: 'SF', name: '顺丰速运' }, { code: 'ZTO', name: '中通快递' }]),
  correctShipment: vi.fn().mockResolvedValue({}), markDelivered: vi.fn().mockResolvedValue({}),
}))

const ordersApi = await import('../src/api/orders')
const shippingApi = await import('../src/api/shipping')
const { default: OrderActions } = await import('../src/components/OrderActions.vue')

const order = (actions, extra = {}) => ({
  id: 42, order_no: 'O20260101000042', status: 'paid', paid_fen: 12800, refunded_fen: 0, items: [], actions, ...extra,
})

function mountActions(o) {
  return mount(OrderActions, { props: { order: o }, global: { plugins: [ElementPlus, createPinia()] }, attachTo: document.body })
}

const buttonTexts = (wrapper) => wrapper.findAll('[data-test^="action-"]').map((b) => b.text())

describe('order detail buttons', () => {
  it('draws exactly the actions the server allows', () => {
    expect(buttonTexts(mountActions(order(['accept', 'cancel'])))).toEqual(['受理', '取消订单'])
    expect(buttonTexts(mountActions(order(['ship'])))).toEqual(['发货'])
  })

  it('draws no button when the list is empty, whatever the status', () => {
    expect(buttonTexts(mountActions(order([], { status: 'paid' })))).toEqual([])
  })

  it('ignores actions meant for shoppers', () => {
    expect(buttonTexts(mountActions(order(['pay', 'delete', 'confirm_receipt', 'approve_cancel'])))).toEqual(['同意取消'])
  })

  it('asks for the password again when the API answers PASSWORD_REQUIRED', async () => {
    const wrapper = mountActions(order(['cancel']))
    ordersApi.cancelOrder
      .mockRejectedValueOnce(Object.assign(new Error('金额较大，请输入密码'), { code: 'PASSWORD_REQUIRED' }))
      .mockResolvedValueOnce({})
    await wrapper.find('[data-test="action-cancel"]').trigger('click')
    const vm = wrapper.vm.$
    vm.setupState.cancel.reasonCode = 'out_of_stock'
    await vm.setupState.submitCancel()
    expect(vm.setupState.cancel.needPassword).toBe(true)
    vm.setupState.cancel.password = 'demo1234'
    await vm.setupState.submitCancel()
    expect(ordersApi.cancelOrder).toHaveBeenLastCalledWith(42, { reason_code: 'out_of_stock', reason_text: '', password: 'demo1234' })
    expect(wrapper.emitted('changed')).toHaveLength(1)
    wrapper.unmount()
  })

  it('ships with a carrier from WeChat\'s list and corrects a shipment through the same dialog', async () => {
    const wrapper = mountActions(order(['ship']))
    await wrapper.find('[data-test="action-ship"]').trigger('click')
    const vm = wrapper.vm.$
    await vi.waitFor(() => expect(vm.setupState.carriers).toHaveLength(2))
    Object.assign(vm.setupState.ship, { carrier: '顺丰速运', trackingNo: 'SF1234567890' })
    await vm.setupState.submitShip()
    expect(ordersApi.shipOrder).toHaveBeenLastCalledWith(42, '顺丰速运', 'SF1234567890')
    wrapper.unmount()

    const shipped = mountActions(order(['correct_shipment', 'mark_delivered'], { status: 'shipped', carrier: '顺丰速运', tracking_no: 'SF1234567890' }))
    expect(buttonTexts(shipped)).toEqual(['修改发货信息', '标记已签收'])
    await shipped.find('[data-test="action-correct_shipment"]').trigger('click')
    const state = shipped.vm.$.setupState
    expect([state.ship.correcting, state.ship.carrier, state.ship.trackingNo]).toEqual([true, '顺丰速运', 'SF1234567890'])
    state.ship.trackingNo = 'SF999999999'
    await state.submitShip()
    expect(shippingApi.correctShipment).toHaveBeenLastCalledWith(42, '顺丰速运', 'SF999999999')
    shipped.unmount()
  })
})
