import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// Each template's `actions` and every label come from the server (domain.coupons.template_actions, /meta).
const TEMPLATES = [
  { id: 1, name: '店庆9折', rule_text: '满50打9折（最高减20元）', kind: 'percent', kind_label: '折扣券', scope: 'all', scope_label: '全场通用',
    percent_off: 10, max_discount_fen: 2000, threshold_fen: 5000, valid_days: 30, issued_count: 3, total_count: 100, per_shopper_limit: 1,
    status: 'active', status_label: '发放中', claimable: false, expired: false, scope_ids: [], actions: ['edit', 'issue', 'publish', 'stop'] },
  { id: 2, name: '旧券', rule_text: '满99减10', kind: 'amount', kind_label: '满减券', scope: 'all', scope_label: '全场通用', discount_fen: 1000,
    threshold_fen: 9900, valid_until: '2026-12-31T23:59:59+08:00', issued_count: 0, total_count: null, per_shopper_limit: 1,
    status: 'stopped', status_label: '已停止', claimable: false, expired: false, scope_ids: [], actions: [] },
]
vi.mock('../src/api/coupons', () => ({
  listCoupons: vi.fn().mockResolvedValue({ items: TEMPLATES, total: 2 }),
  createCoupon: vi.fn().mockResolvedValue({ id: 3 }),
  updateCoupon: vi.fn(), publishCoupon: vi.fn().mockResolvedValue({}), unpublishCoupon: vi.fn(), stopCoupon: vi.fn(),
  issueCoupon: vi.fn().mockResolvedValue({ issued: 1, shopper_ids: [7], skipped: [{ shopper: 'nobody', reason: '找不到该顾客' }] }),
}))

const api = await import('../src/api/coupons')
const labels = await import('../src/utils/labels')
const { default: CouponList } = await import('../src/views/coupons/CouponList.vue')
const { useStaffStore } = await import('../src/stores/staff')

function mountAs(permissions) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 2, role: 'supervisor', permissions }
  Object.assign(labels.COUPON_ACTIONS, { edit: '编辑', issue: '发放给顾客', publish: '开放领取', unpublish: '停止领取', stop: '停用' })
  Object.assign(labels.COUPON_KIND, { amount: '满减券', percent: '折扣券' })
  Object.assign(labels.COUPON_SCOPE, { all: '全场通用', categories: '指定分类', products: '指定商品' })
  Object.assign(labels.COUPON_STATUS, { active: '发放中', stopped: '已停止' })
  return mount(CouponList, { global: { plugins: [pinia, ElementPlus] }, attachTo: document.body })
}

describe('优惠券 page', () => {
  it('draws only the server\'s buttons in the server\'s words, publishes and issues', async () => {
    const wrapper = mountAs(['coupon.view', 'coupon.manage'])
    await flushPromises()
    const rows = wrapper.findAll('.el-table__body-wrapper tbody tr')
    expect(rows[0].text()).toContain('满50打9折（最高减20元）')
    expect(rows[0].text()).toContain('3 / 100')
    expect(rows[0].find('[data-test="action-publish"]').text()).toBe('开放领取')
    expect(rows[1].findAll('button')).toHaveLength(0)
    await rows[0].find('[data-test="action-publish"]').trigger('click')
    await flushPromises()
    expect(api.publishCoupon).toHaveBeenCalledWith(1)

    await rows[0].find('[data-test="action-issue"]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-test="issue-form"]')
    const textarea = dialog.querySelector('textarea')
    textarea.value = '7\nnobody'
    textarea.dispatchEvent(new Event('input'))
    dialog.querySelector('[data-test="issue-confirm"]').click()
    await flushPromises()
    expect(api.issueCoupon).toHaveBeenCalledWith(1, { shopper_ids: [7], openids: ['nobody'] })
    expect(dialog.textContent).toContain('nobody：找不到该顾客')
    wrapper.unmount()
  }, 30000)

  it('creates a percentage template in fen and percent, and staff who only view get no buttons', async () => {
    const wrapper = mountAs(['coupon.view', 'coupon.manage'])
    await flushPromises()
    await wrapper.find('[data-test="new-coupon"]').trigger('click')
    await flushPromises()
    const vm = wrapper.vm
    Object.assign(vm.$.setupState.form, { name: '春季9折', kind: 'percent', rate: 8.5, cap: '20', threshold: '200', valid_days: 7, total_count: 0 })
    await flushPromises()
    document.querySelector('[data-test="save-coupon"]').click()
    await flushPromises()
    expect(api.createCoupon).toHaveBeenCalledWith(expect.objectContaining({
      name: '春季9折', kind: 'percent', percent_off: 15, max_discount_fen: 2000, threshold_fen: 20000, valid_days: 7,
      valid_until: null, total_count: null, scope: 'all', scope_ids: [], claimable: false,
    }))
    wrapper.unmount()
    const viewer = mountAs(['coupon.view'])
    await flushPromises()
    expect(viewer.find('[data-test="new-coupon"]').exists()).toBe(false)
    expect(viewer.find('[data-test="action-publish"]').exists()).toBe(false)
    viewer.unmount()
  }, 30000)
})
