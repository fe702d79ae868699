// 二次验证 (R12): an action that refunds a large amount answers PASSWORD_REQUIRED; ask the operator for their
// password and send the same action again with it. Other errors are shown by the request wrapper.
import { ElMessageBox } from 'element-plus'

export async function withPasswordRecheck(send) {
  try {
    return await send(undefined)
  } catch (error) {
    if (error.code !== 'PASSWORD_REQUIRED') throw error
    let password
    try {
      ({ value: password } = await ElMessageBox.prompt(error.message, '二次验证', {
        inputType: 'password', confirmButtonText: '确认', cancelButtonText: '取消',
        inputValidator: (v) => Boolean(v) || '请输入您的登录密码',
      }))
    } catch {
      throw error
    }
    return send(password)
  }
}
