import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import './setup-element'

// Batch work (A7): the bar submits the selected rows as one batch, then the progress polls the server until
// the batch has finished, with a result per item (the server's words).
const running = {
  id: 7, kind_label: '批量同意申请', status: 'running', status_label: '执行中', total: 4, done: 1, failed: 1, percent: 50,
  items: [
    { position: 0, ref: 11, label: 'NO-11', status: 'succeeded', status_label: '成功', message: '成功' },
    { position: 1, ref: 12, label: 'NO-12', status: 'failed', status_label: '失败', result_code: 'REQUEST_ALREADY_DECIDED', message: '该申请已处理' },
    { position: 2, ref: 13, label: 'NO-13', status: 'pending', status_label: '等待中', message: null },
    { position: 3, ref: 14, label: 'NO-14', status: 'pending', status_label: '等待中', message: null },
  ],
  items_total: 4,
}
const finished = { ...running, status: 'finished', status_label: '已完成', done: 3, percent: 100,
  items: running.items.map((item) => (item.status === 'pending' ? { ...item, status: 'succeeded', status_label: '成功' } : item)) }

vi.mock('../src/api/batches', () => ({ getBatch: vi.fn() }))
const { getBatch } = await import('../src/api/batches')
const { default: BatchBar } = await import('../src/components/BatchBar.vue')
const { default: BatchProgress } = await import('../src/components/BatchProgress.vue')

describe('batch progress', () => {
  beforeEach(() => vi.clearAllMocks())

  it('polls until the batch has finished and shows the bar, the counts and each failed item\'s reason', async () => {
    vi.useFakeTimers()
    getBatch.mockResolvedValueOnce(running).mockResolvedValueOnce(finished)
    const wrapper = mount(BatchProgress, { props: { initial: { ...running, status: 'queued', percent: 0 }, pollMs: 1000 },
      global: { plugins: [ElementPlus] } })
    await flushPromises()
    expect(wrapper.find('[data-test="batch-progress-bar"]').attributes('data-percent')).toBe('50')
    expect(wrapper.find('[data-test="batch-counts"]').text()).toBe('成功 1 · 失败 1 · 共 4')
    expect(wrapper.find('[data-test="batch-items"]').text()).toContain('该申请已处理')

    await vi.advanceTimersByTimeAsync(1000)
    await flushPromises()
    expect(getBatch).toHaveBeenCalledTimes(2)
    expect(wrapper.find('[data-test="batch-progress-bar"]').attributes('data-percent')).toBe('100')
    expect(wrapper.find('[data-test="batch-status"]').text()).toBe('已完成')
    expect(wrapper.emitted('finished')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(getBatch).toHaveBeenCalledTimes(2) // a finished batch is not polled again
    vi.useRealTimers()
    wrapper.unmount()
  })
})

function type(name, text) {
  const found = document.querySelector(`[data-test="${name}"]`)
  const input = found.matches('input, textarea') ? found : found.querySelector('input, textarea')
  input.value = text
  input.dispatchEvent(new Event('input'))
}

describe('batch bar', () => {
  beforeEach(() => vi.clearAllMocks())

  it('submits the selected ids once, with the note and the password typed once, then shows the progress', async () => {
    getBatch.mockResolvedValue(finished)
    const approve = vi.fn().mockResolvedValue({ ...running, created: true })
    const reject = vi.fn()
    const wrapper = mount(BatchBar, { props: { ids: [11, 12, 13, 14], approve, reject },
      global: { plugins: [ElementPlus] }, attachTo: document.body })
    expect(wrapper.find('[data-test="batch-selected"]').text()).toBe('已选 4 项')

    await wrapper.find('[data-test="batch-approve"]').trigger('click')
    await flushPromises()
    type('batch-note', '同意')
    type('batch-password', 'demo1234')
    document.querySelector('[data-test="batch-submit"]').click()
    await flushPromises()

    expect(approve).toHaveBeenCalledTimes(1)
    expect(approve).toHaveBeenCalledWith([11, 12, 13, 14], '同意', 'demo1234')
    expect(reject).not.toHaveBeenCalled()
    expect(document.querySelector('[data-test="batch-progress"]')).not.toBeNull()
    expect(document.querySelector('[data-test="batch-counts"]').textContent.trim()).toBe('成功 3 · 失败 1 · 共 4')
    wrapper.unmount()
  })

  it('has nothing to submit while no row is selected', () => {
    const wrapper = mount(BatchBar, { props: { ids: [], approve: vi.fn(), reject: vi.fn() }, global: { plugins: [ElementPlus] } })
    expect(wrapper.find('[data-test="batch-approve"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-test="batch-reject"]').attributes('disabled')).toBeDefined()
    wrapper.unmount()
  })
})
