// The password check (R12): an action that refunds a large amount answers PASSWORD_REQUIRED; ask the operator for their
// password and send the same action again with it. Other errors are shown by the request wrapper.
import { ElMessageBox } from 'element-plus'
import { w } from '../utils/words'

export async function withPasswordRecheck(send) {
  try {
    return await send(undefined)
  } catch (error) {
    if (error.code !== 'PASSWORD_REQUIRED') throw error
    let password
    try {
      ({ value: password } = await ElMessageBox.prompt(error.message, w('password_recheck.title'), {
        inputType: 'password', confirmButtonText: w('common.confirm'), cancelButtonText: w('common.cancel'),
        inputValidator: (v) => Boolean(v) || w('password_recheck.required'),
      }))
    } catch {
      throw error
    }
    return send(password)
  }
}
