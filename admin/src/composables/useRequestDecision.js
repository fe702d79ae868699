// Approve / reject a request (cancel, modification, after-sales) after asking the operator; shared by the review
// queue and the after-sales page.
import { ElMessage, ElMessageBox } from 'element-plus'
import { approveRequest, rejectRequest } from '../api/requests'
import { withPasswordRecheck } from './usePasswordRecheck'
import { w } from '../utils/words'

export function useRequestDecision(reload) {
  async function approve(requestId, question) {
    try {
      await ElMessageBox.confirm(question, w('request_decision.approve_title'), {
        type: 'warning', confirmButtonText: w('common.approve'), cancelButtonText: w('common.cancel'),
      })
    } catch {
      return
    }
    try {
      await withPasswordRecheck((password) => approveRequest(requestId, '', password))
      ElMessage.success(w('common.approved'))
      reload()
    } catch {
      // shown by the request wrapper
    }
  }

  async function reject(requestId) {
    let reason
    try {
      ({ value: reason } = await ElMessageBox.prompt(w('request_decision.reject_prompt'), w('request_decision.reject_title'), {
        confirmButtonText: w('common.reject'), cancelButtonText: w('common.cancel'),
        inputValidator: (v) => Boolean(v && v.trim()) || w('common.reason_required'),
      }))
    } catch {
      return
    }
    try {
      await rejectRequest(requestId, reason)
      ElMessage.success(w('common.rejected'))
      reload()
    } catch {
      // shown by the request wrapper
    }
  }

  return { approve, reject }
}
