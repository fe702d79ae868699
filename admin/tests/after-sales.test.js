import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

const CASES = [
  { id: 1, order_id: 9, type: 'repair', status: 'repairing', replacement_tracking_no: null },
  { id: 2, order_id: 9, type: 'exchange', status: 'exchanging', replacement_tracking_no: null },
  { id: 3, order_id: 9, type: 'repair', status: 'awaiting_return', replacement_tracking_no: null },
]
vi.mock('../src/api/afterSales', () => ({
  listAfterSales: vi.fn().mockResolvedValue({ items: CASES, total: 3 }),
  receiveReturn: vi.fn(), shipReplacement: vi.fn().mockResolvedValue({}), returnRepaired: vi.fn().mockResolvedValue({}),
}))

const api = await import('../src/api/afterSales')
const { default: AfterSaleList } = await import('../src/views/after-sales/AfterSaleList.vue')
const { useStaffStore } = await import('../src/stores/staff')

async function mountAsWarehouse() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 5, role: 'warehouse', permissions: ['after_sale.view', 'after_sale.receive'] }
  const wrapper = mount(AfterSaleList, { global: { plugins: [pinia, ElementPlus], stubs: { RouterLink: RouterLinkStub } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('售后 page, sending goods back', () => {
  it('sends a repaired item back through return-repaired and an exchange through ship-replacement', async () => {
    const wrapper = await mountAsWarehouse()
    const state = wrapper.vm.$.setupState
    expect(CASES.map(state.canShipBack)).toEqual([true, true, false])

    state.openShip(CASES[0])
    Object.assign(state.ship, { carrier: '顺丰速运', trackingNo: ' SF999888777 ' })
    await state.submitShip()
    expect(api.returnRepaired).toHaveBeenCalledWith(1, '顺丰速运', 'SF999888777')
    expect(api.shipReplacement).not.toHaveBeenCalled()

    state.openShip(CASES[1])
    Object.assign(state.ship, { carrier: '中通快递', trackingNo: 'ZT1234567' })
    await state.submitShip()
    expect(api.shipReplacement).toHaveBeenCalledWith(2, '中通快递', 'ZT1234567')
    wrapper.unmount()
  })
})
