import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import './setup-element'

// What the server sends: each row's words and the `actions` finance may take on it.
const ROWS = [
  { id: 1, order_no: 'O202603010001', title: '上海某某科技有限公司', kind_label: '企业', tax_no: '91310000MA1K4XXX1X', email: 'a@example.com', amount_fen: 3900, invoice_no: null, status: 'requested', status_label: '申请中', has_pdf: false, requested_at: '2026-03-01T10:00:00+08:00', actions: ['issue', 'reject'] },
  { id: 2, order_no: 'O202603010002', title: '张三', kind_label: '个人', tax_no: '', email: 'z@example.com', amount_fen: 3600, invoice_no: '24310000000012345678', status: 'red_pending', status_label: '冲红/重开中', has_pdf: true, requested_at: '2026-03-01T09:00:00+08:00', actions: ['record_red'] },
]
vi.mock('vue-router', () => ({ useRoute: () => ({ query: { status: 'red_pending' } }) }))
vi.mock('../src/api/invoices', () => ({
  listInvoices: vi.fn().mockResolvedValue({ items: ROWS, total: 2 }),
  uploadInvoicePdf: vi.fn().mockResolvedValue({ file: 'invoice-0123456789abcdef01234567.pdf' }),
  issueInvoice: vi.fn().mockResolvedValue({}),
  rejectInvoice: vi.fn().mockResolvedValue({}),
  recordRedInvoice: vi.fn().mockResolvedValue({}),
  downloadInvoicePdf: vi.fn(),
}))

const api = await import('../src/api/invoices')
const { ACTIONS } = await import('../src/utils/labels')
const { default: InvoiceList } = await import('../src/views/invoices/InvoiceList.vue')

async function mountPage() {
  setActivePinia(createPinia())
  Object.assign(ACTIONS, { issue: '开具发票', reject: '拒绝', record_red: '冲红/重开' }) // from GET /meta
  const wrapper = mount(InvoiceList, { global: { plugins: [ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('发票 page', () => {
  beforeEach(() => vi.clearAllMocks())

  it('opens on the status the 工作台 card links to and draws only the buttons in each row\'s actions', async () => {
    const wrapper = await mountPage()
    expect(api.listInvoices).toHaveBeenCalledWith(expect.objectContaining({ status: 'red_pending' }))
    expect(wrapper.find('[data-test="issue-1"]').text()).toBe('开具发票')
    expect(wrapper.find('[data-test="reject-1"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="red-1"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="issue-2"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="red-2"]').text()).toBe('冲红/重开')
    expect(wrapper.find('[data-test="status-2"]').text()).toBe('冲红/重开中')
    wrapper.unmount()
  })

  it('issues with the number and the uploaded PDF\'s name', async () => {
    const wrapper = await mountPage()
    await wrapper.find('[data-test="issue-1"]').trigger('click')
    await flushPromises()
    const number = document.querySelector('[data-test="invoice-no"] input') || document.querySelector('input[data-test="invoice-no"]')
    number.value = '24310000000012345678'
    number.dispatchEvent(new Event('input'))
    const file = document.querySelector('[data-test="invoice-file"]')
    Object.defineProperty(file, 'files', { value: [new File(['%PDF-1.4'], 'a.pdf', { type: 'application/pdf' })] })
    file.dispatchEvent(new Event('change'))
    document.querySelector('[data-test="invoice-submit"]').click()
    await flushPromises()
    expect(api.uploadInvoicePdf).toHaveBeenCalledTimes(1)
    expect(api.issueInvoice).toHaveBeenCalledWith(1, { invoice_no: '24310000000012345678', file: 'invoice-0123456789abcdef01234567.pdf' })
    wrapper.unmount()
  })

  it('records a red-letter invoice without a reissue when nothing was chosen to reissue', async () => {
    const wrapper = await mountPage()
    await wrapper.find('[data-test="red-2"]').trigger('click')
    await flushPromises()
    const number = document.querySelector('[data-test="red-invoice-no"] input') || document.querySelector('input[data-test="red-invoice-no"]')
    number.value = '24310000000099990000'
    number.dispatchEvent(new Event('input'))
    document.querySelector('[data-test="invoice-submit"]').click()
    await flushPromises()
    expect(api.uploadInvoicePdf).not.toHaveBeenCalled()
    expect(api.recordRedInvoice).toHaveBeenCalledWith(2, { red_invoice_no: '24310000000099990000' })
    wrapper.unmount()
  })
})
