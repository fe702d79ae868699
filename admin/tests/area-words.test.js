// The after-sales, money and shop-management pages draw the server's words (backend/shop/domain/staff_words/areas.py):
// every key they name is one the server serves, none is drawn raw, and a word the server changes is what they show.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'
import served from './support/words.json'
import { useWords } from '../src/utils/words'

vi.mock('vue-router', () => ({ useRoute: () => ({ query: {} }), useRouter: () => ({ replace: vi.fn() }) }))
vi.mock('../src/api/stats', () => ({
  exportStats: vi.fn(),
  getReport: vi.fn().mockResolvedValue({ rows: [{ label: '未发货', count: 2, amount_fen: 1000 }],
    totals: { orders: 10, count: 2, cancel_rate: 0.2, stock_returned: 1, succeeded_fen: 1000 } }),
}))
vi.mock('../src/api/staff', () => ({
  createStaff: vi.fn(), updateStaff: vi.fn(),
  listStaff: vi.fn().mockResolvedValue({ items: [{ id: 1, username: 'lee', name: '李四', role: 'warehouse', active: true,
    permissions: ['order.view'], created_at: '2026-11-30T02:00:00+00:00' }], total: 1 }),
}))
vi.mock('../src/api/inventory', () => ({
  adjustStock: vi.fn(), getLedger: vi.fn().mockResolvedValue([]), purchaseAdvice: vi.fn().mockResolvedValue([]),
  stockReconciliation: vi.fn().mockResolvedValue([]),
  listInventory: vi.fn().mockResolvedValue({ items: [{ id: 3, code: 'TS-01', product_name: 'T 恤', name: '白色 M',
    category: '服装', price_fen: 9900, stock: 5 }], total: 1 }),
}))
vi.mock('../src/api/batches', () => ({ recallSku: vi.fn() }))
vi.mock('../src/api/settings', () => ({
  saveSettings: vi.fn(),
  getSettings: vi.fn().mockResolvedValue({
    items: [
      { key: 'auto_refund_max_fen', type: 'integer', label: '自动退款金额上限（分）', value: 5000, default: 5000 },
      { key: 'cancel_reasons', type: 'reasons', label: '取消原因', value: { out_of_stock: '缺货' } },
    ],
    wechat_platform: { trade_managed: true, label: '已开通', checked_at: '2026-11-30T02:00:00+00:00', msg_jump_path: 'pages/order' },
  }),
}))
vi.mock('../src/api/afterSaleRules', () => ({
  addAfterSaleRule: vi.fn(), deleteAfterSaleRule: vi.fn(), updateAfterSaleRule: vi.fn(),
  getAfterSaleRules: vi.fn().mockResolvedValue({ items: [{ id: 1, name: '小额秒退', summary: '未发货 · 不超过 ¥50', enabled: true }],
    options: {} }),
}))

const { default: StatsView } = await import('../src/views/stats/StatsView.vue')
const { default: StaffList } = await import('../src/views/staff/StaffList.vue')
const { default: InventoryView } = await import('../src/views/inventory/InventoryView.vue')
const { default: SettingsView } = await import('../src/views/settings/SettingsView.vue')
const { useStaffStore } = await import('../src/stores/staff')

const AREAS = ['after-sales', 'refunds', 'reviews', 'inventory', 'complaints', 'coupons', 'staff', 'settings', 'risk',
  'stats', 'invoices', 'finance']
const SRC = join(__dirname, '..', 'src', 'views')
const GROUPS = Object.keys(served.words)
// a word drawn raw: its key ('stats.orders') on the page
const RAW_KEY = new RegExp(`\\b(${GROUPS.join('|')})\\.[a-z_]+\\b`)

async function mountAs(page, permissions = []) {
  const pinia = createPinia()
  setActivePinia(pinia)
  useStaffStore().staff = { id: 1, role: 'admin', permissions }
  const wrapper = mount(page, { global: { plugins: [pinia, ElementPlus], stubs: { EChart: true } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const changed = (group, key, text) => ({ version: 'changed', words: { ...served.words, [group]: { ...served.words[group], [key]: text } } })

describe('the after-sales, money and shop-management pages', () => {
  afterEach(() => useWords(served))

  it('name only words the server serves', () => {
    const missing = []
    for (const area of AREAS) {
      for (const name of readdirSync(join(SRC, area))) {
        const text = readFileSync(join(SRC, area, name), 'utf8')
        // 'group.key' anywhere (a word drawn, or a key handed to a helper that draws it), but not a permission
        for (const [, before, group, key] of text.matchAll(/(can\()?['`]([a-z_]+)\.([a-z_]+)['`]/g)) {
          if (!before && GROUPS.includes(group) && !(key in served.words[group])) missing.push(`${area}/${name}: ${group}.${key}`)
        }
        // `group.prefix_${code}`: the server has words of that prefix
        for (const [, group, prefix] of text.matchAll(/`([a-z_]+)\.([a-z_]*)\$\{/g)) {
          if (!Object.keys(served.words[group] || {}).some((key) => key.startsWith(prefix))) missing.push(`${area}/${name}: ${group}.${prefix}*`)
        }
      }
    }
    expect(missing).toEqual([])
  })

  it('draw the server\'s words, none raw', async () => {
    const pages = [
      [StatsView, [], ['下单数', '取消与退款趋势', '按阶段', '导出取消 CSV']],
      [StaffList, [], ['新增员工', '用户名', '重置密码', '启用']],
      [InventoryView, ['inventory.adjust', 'order.recall'], ['库存对账', 'SKU 编码', '流水', '调整', '召回']],
      [SettingsView, ['settings.manage'], ['自动退款金额上限（元）', '默认 ¥50.00', '添加原因', '保存设置', '售后规则', '添加规则']],
    ]
    for (const [page, permissions, words] of pages) {
      const wrapper = await mountAs(page, permissions)
      const text = document.body.textContent
      for (const word of words) expect(text, page.__name).toContain(word)
      expect(text).not.toMatch(RAW_KEY)
      wrapper.unmount()
    }
  })

  it('draw a word the server changed', async () => {
    const wrapper = await mountAs(StaffList)
    expect(wrapper.get('[data-test="staff-create"]').text()).toBe('新增员工')
    useWords(changed('staff', 'create', '添加员工'))
    await flushPromises()
    expect(wrapper.get('[data-test="staff-create"]').text()).toBe('添加员工')
    wrapper.unmount()
  })
})
