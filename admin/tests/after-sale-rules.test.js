import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// 设置 → 售后规则 (A6): the list, its summaries and the editor's choices come from the server.
const OPTIONS = {
  effects: [{ value: 'auto_approve', label: '自动同意' }, { value: 'instant_refund', label: '极速退款' }],
  stages: [{ value: 'delivered', label: '已签收' }],
  trust: [{ value: 'any', label: '所有顾客' }, { value: 'allow_listed', label: '白名单顾客' }],
  reasons: [{ value: 'not_wanted', label: '不想要了' }],
  categories: [{ value: 3, label: '生鲜' }],
}
const RULE = { id: 4, name: '白名单极速退款', enabled: true, effect: 'instant_refund', max_amount_fen: 5000, reasons: [],
  category_ids: [], stages: [], trust: 'allow_listed', min_completed_orders: null, max_refund_rate_percent: null,
  summary: '极速退款 · ≤ ¥50.00 · 白名单顾客' }
vi.mock('../src/api/afterSaleRules', () => ({
  getAfterSaleRules: vi.fn().mockResolvedValue({ items: [RULE], options: OPTIONS }),
  addAfterSaleRule: vi.fn(), deleteAfterSaleRule: vi.fn(),
  updateAfterSaleRule: vi.fn().mockResolvedValue({ items: [{ ...RULE, max_amount_fen: 3000 }], options: OPTIONS }),
}))

const api = await import('../src/api/afterSaleRules')
const { default: AfterSaleRules } = await import('../src/views/settings/AfterSaleRules.vue')
const { useStaffStore } = await import('../src/stores/staff')

function mountAs(permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 1, role: 'admin', permissions }
  return mount(AfterSaleRules, { global: { plugins: [pinia, ElementPlus] }, attachTo: document.body })
}

describe('售后规则 editor', () => {
  it('lists the server\'s rules and sends an edited ceiling in fen', async () => {
    const wrapper = mountAs(['settings.view', 'settings.manage'])
    await flushPromises()
    expect(wrapper.text()).toContain('极速退款 · ≤ ¥50.00 · 白名单顾客')
    await wrapper.find('[data-test="rule-edit-4"]').trigger('click')
    await flushPromises()
    const amount = document.querySelector('input[data-test="rule-max-amount"]')
    expect(amount.value).toBe('50.00')
    amount.value = '30'
    amount.dispatchEvent(new Event('input'))
    document.querySelector('[data-test="rule-save"]').click()
    await flushPromises()
    expect(api.updateAfterSaleRule).toHaveBeenCalledWith(4, expect.objectContaining({ max_amount_fen: 3000, trust: 'allow_listed' }))
    wrapper.unmount()
  }, 30000)

  it('offers no editing without settings.manage', async () => {
    const wrapper = mountAs(['settings.view'])
    await flushPromises()
    expect(wrapper.find('[data-test="rule-add"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="rule-edit-4"]').exists()).toBe(false)
    wrapper.unmount()
  }, 30000)
})
