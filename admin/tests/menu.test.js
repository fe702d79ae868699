import { describe, expect, it, beforeEach, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import './setup-element'
import AdminLayout from '../src/layout/AdminLayout.vue'
import { useStaffStore } from '../src/stores/staff'
import { visibleMenu } from '../src/layout/menu'
import * as authApi from '../src/api/auth'

vi.mock('../src/api/auth', () => ({ login: vi.fn(), me: vi.fn(), logout: vi.fn().mockResolvedValue(null) }))

const warehouse = {
  id: 5, username: 'warehouse', name: '陈仓管', role: 'warehouse', role_label: '仓库',
  permissions: ['order.view', 'order.accept', 'order.ship', 'after_sale.view', 'after_sale.receive', 'inventory.view', 'inventory.adjust', 'settings.view'],
}

async function mountLayoutAs(staff) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const store = useStaffStore()
  store.token = 'tok'
  store.staff = staff
  const router = createRouter({ history: createMemoryHistory('/admin/'), routes: [
    { path: '/', component: AdminLayout, children: [{ path: 'dashboard', component: { template: '<div />' }, meta: { title: '工作台' } }] },
    { path: '/:p(.*)*', component: { template: '<div />' } },
  ] })
  router.push('/dashboard')
  await router.isReady()
  const wrapper = mount({ template: '<router-view />' }, { global: { plugins: [pinia, router, ElementPlus], stubs: { 'el-icon': true, component: true } } })
  await flushPromises()
  return wrapper
}

describe('permission-based menu', () => {
  beforeEach(() => localStorage.clear())

  it('shows a warehouse clerk only the pages their role may open', async () => {
    const wrapper = await mountLayoutAs(warehouse)
    const titles = wrapper.findAll('.el-menu-item').map((item) => item.text())
    expect(titles).toEqual(['工作台', '订单管理', '批量发货', '售后', '库存', '设置'])
    expect(titles).not.toContain('退款')
    expect(titles).not.toContain('员工管理')
  })

  it('shows the staff name and role label in the top bar', async () => {
    const wrapper = await mountLayoutAs(warehouse)
    expect(wrapper.find('[data-test="staff-name"]').text()).toBe('陈仓管')
    expect(wrapper.find('[data-test="role-label"]').text()).toBe('仓库')
  })

  it('gives finance the refund pages but not the review queue', () => {
    const finance = ['order.view', 'refund.view', 'refund.retry', 'inventory.view', 'stats.view', 'settings.view']
    const titles = visibleMenu((p) => !p || finance.includes(p)).map((m) => m.title)
    expect(titles).toContain('退款')
    expect(titles).toContain('统计')
    expect(titles).not.toContain('审核')
  })

  it('退出登录 asks the server to revoke the token before dropping it', async () => {
    const wrapper = await mountLayoutAs(warehouse)
    await wrapper.find('[data-test="logout"]').trigger('click')
    await flushPromises()
    expect(authApi.logout).toHaveBeenCalledTimes(1)
    expect(useStaffStore().token).toBe('')
  })
})
