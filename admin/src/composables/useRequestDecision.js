// 同意 / 拒绝 a request (cancel, modification, after-sales) after asking the operator; shared by 审核 and 售后.
import { ElMessage, ElMessageBox } from 'element-plus'
import { approveRequest, rejectRequest } from '../api/requests'
import { withPasswordRecheck } from './usePasswordRecheck'

export function useRequestDecision(reload) {
  async function approve(requestId, question) {
    try {
      await ElMessageBox.confirm(question, '同意申请', { type: 'warning', confirmButtonText: '同意', cancelButtonText: '取消' })
    } catch {
      return
    }
    try {
      await withPasswordRecheck((password) => approveRequest(requestId, '', password))
      ElMessage.success('已同意')
      reload()
    } catch {
      // shown by the request wrapper
    }
  }

  async function reject(requestId) {
    let reason
    try {
      ({ value: reason } = await ElMessageBox.prompt('请输入拒绝原因（将告知顾客）', '拒绝申请', {
        confirmButtonText: '拒绝', cancelButtonText: '取消', inputValidator: (v) => Boolean(v && v.trim()) || '请输入原因',
      }))
    } catch {
      return
    }
    try {
      await rejectRequest(requestId, reason)
      ElMessage.success('已拒绝')
      reload()
    } catch {
      // shown by the request wrapper
    }
  }

  return { approve, reject }
}
