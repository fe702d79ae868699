import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// Each row's `actions` come from the server (domain.risk.staff_risk_actions); the page draws only those.
const SHOPPERS = [
  { id: 1, nickname: '微信用户0001', risk_flagged: true, banned: false, actions: ['unflag', 'allow_list', 'ban'] },
  { id: 2, nickname: '微信用户0002', risk_flagged: false, banned: true, ban_reason: '恶意占用库存', actions: ['flag', 'unban'] },
]
vi.mock('../src/api/risk', () => ({
  listShoppers: vi.fn().mockResolvedValue({ items: SHOPPERS, total: 2 }),
  flagShopper: vi.fn(), unflagShopper: vi.fn(), allowListShopper: vi.fn(),
  banShopper: vi.fn().mockResolvedValue({}), unbanShopper: vi.fn().mockResolvedValue({}),
}))

const api = await import('../src/api/risk')
const { default: RiskView } = await import('../src/views/risk/RiskView.vue')
const { useStaffStore } = await import('../src/stores/staff')

describe('风控 page', () => {
  it('shows 封禁 and 解除封禁 only where the server allows them, and unbans through the API', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    useStaffStore().staff = { id: 2, role: 'supervisor', permissions: ['risk.view', 'risk.manage'] }
    const wrapper = mount(RiskView, { global: { plugins: [pinia, ElementPlus] }, attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('.el-table__body-wrapper tbody tr')
    expect(rows[0].find('[data-test="ban"]').exists()).toBe(true)
    expect(rows[0].find('[data-test="unban"]').exists()).toBe(false)
    expect(rows[1].find('[data-test="ban"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('已封禁')
    await rows[1].find('[data-test="unban"]').trigger('click')
    await flushPromises()
    expect(api.unbanShopper).toHaveBeenCalledWith(2)
    wrapper.unmount()
  }, 30000)
})
