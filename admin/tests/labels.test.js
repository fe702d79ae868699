import { describe, expect, it, vi } from 'vitest'

// Every Chinese label comes from GET /api/admin/meta: nothing is shown from a copy kept in the admin.
const { ORDER_STATUS, AUDIT_ACTIONS, WECHAT_ERRORS, label, loadLabels } = await import('../src/utils/labels')

describe('labels', () => {
  it('holds no words of its own before the server answers', () => {
    expect(label(ORDER_STATUS, 'paid')).toBe('paid')
  })

  it('fills every map from one meta request, asked once', async () => {
    const fetchMeta = vi.fn().mockResolvedValue({
      order_status: { paid: '待发货' }, audit_actions: { 'order.ship': '订单发货' },
      wechat_errors: { NOTENOUGH: { label: '商户号可用余额不足：请充值后重试', retryable: false } },
    })
    await loadLabels(fetchMeta)
    await loadLabels(fetchMeta)
    expect(fetchMeta).toHaveBeenCalledTimes(1)
    expect(label(ORDER_STATUS, 'paid')).toBe('待发货')
    expect(AUDIT_ACTIONS['order.ship']).toBe('订单发货')
    expect(WECHAT_ERRORS.NOTENOUGH.label).toContain('充值')
  })
})
