import { afterEach, describe, expect, it, vi } from 'vitest'
import { ElMessageBox } from 'element-plus'
import { ApiError } from '../src/api/request'
import { withPasswordRecheck } from '../src/composables/usePasswordRecheck'

// R12: a refund over the threshold answers PASSWORD_REQUIRED; the same action is sent again with the password.
describe('二次验证 on refunding actions', () => {
  afterEach(() => vi.restoreAllMocks())

  it('sends once without a password when none is asked for', async () => {
    const send = vi.fn().mockResolvedValue('done')
    expect(await withPasswordRecheck(send)).toBe('done')
    expect(send.mock.calls).toEqual([[undefined]])
  })

  it('asks for the password with the server message, then sends again with it', async () => {
    const prompt = vi.spyOn(ElMessageBox, 'prompt').mockResolvedValue({ value: 'demo1234' })
    const send = vi.fn()
      .mockRejectedValueOnce(new ApiError(403, 'PASSWORD_REQUIRED', '本单累计退款 ¥596.00，达到二次验证金额'))
      .mockResolvedValueOnce('done')
    expect(await withPasswordRecheck(send)).toBe('done')
    expect(prompt.mock.calls[0][0]).toContain('¥596.00')
    expect(send.mock.calls).toEqual([[undefined], ['demo1234']])
  })

  it('other refusals (a role limit) and a cancelled prompt send nothing more', async () => {
    const limit = new ApiError(403, 'REFUND_OVER_ROLE_LIMIT', '超出客服的退款权限')
    const refused = vi.fn().mockRejectedValue(limit)
    await expect(withPasswordRecheck(refused)).rejects.toBe(limit)
    expect(refused).toHaveBeenCalledTimes(1)
    vi.spyOn(ElMessageBox, 'prompt').mockRejectedValue('cancel')
    const asked = vi.fn().mockRejectedValue(new ApiError(403, 'PASSWORD_REQUIRED', '请输入密码'))
    await expect(withPasswordRecheck(asked)).rejects.toMatchObject({ code: 'PASSWORD_REQUIRED' })
    expect(asked).toHaveBeenCalledTimes(1)
  })
})
