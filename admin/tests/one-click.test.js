import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElMessageBox } from 'element-plus'
import { createPinia } from 'pinia'
import './setup-element'

vi.mock('../src/api/orders', () => ({ acceptOrder: vi.fn().mockResolvedValue({}) }))
vi.mock('../src/api/requests', () => ({ approveRequest: vi.fn(), rejectRequest: vi.fn(), offerAlternative: vi.fn() }))
vi.mock('../src/api/refunds', () => ({ retryRefund: vi.fn() }))
vi.mock('../src/api/settings', () => ({ getSettings: vi.fn().mockResolvedValue({ items: [] }) }))
vi.mock('../src/api/shipping', () => ({ listCarriers: vi.fn(), correctShipment: vi.fn(), markDelivered: vi.fn() }))

const ordersApi = await import('../src/api/orders')
const { default: OrderActions } = await import('../src/components/OrderActions.vue')

const order = (actions, extra = {}) => ({ id: 42, status: 'paid', paid_fen: 12800, refunded_fen: 0, items: [], actions, ...extra })
const mountActions = (o) => mount(OrderActions, { props: { order: o }, global: { plugins: [ElementPlus, createPinia()] } })

describe('one click = one request on the order page', () => {
  it('a double click on 受理 opens one confirmation and sends one request', async () => {
    let answer
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockImplementation(() => new Promise((resolve) => { answer = resolve }))
    const wrapper = mountActions(order(['accept', 'cancel']))
    const accept = wrapper.get('[data-test="action-accept"]')
    await accept.trigger('click')
    await accept.trigger('click')
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(wrapper.get('[data-test="action-cancel"]').attributes('disabled')).toBeDefined()
    answer('confirm')
    await flushPromises()
    expect(ordersApi.acceptOrder).toHaveBeenCalledTimes(1)
    expect(wrapper.get('[data-test="action-cancel"]').attributes('disabled')).toBeUndefined()
    confirm.mockRestore()
  })

  it('the cancel approval\'s confirmation says how much goes back to the shopper', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockRejectedValue('cancel')
    const wrapper = mountActions(order(['approve_cancel'], { open_request: { id: 5, kind: 'cancel', refund_fen: 12800 } }))
    await wrapper.get('[data-test="action-approve_cancel"]').trigger('click')
    expect(confirm.mock.calls[0][0]).toContain('¥128.00')
    confirm.mockRestore()
  })
})
