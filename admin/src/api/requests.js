import { get, post } from './request'

// Cancel, modification and after-sales requests waiting for staff (SPEC §5 /requests).
export const listRequests = (params) => get('/requests', params)
// A refund over the threshold answers PASSWORD_REQUIRED: the caller asks for the password (usePasswordRecheck).
export const approveRequest = (id, note = '', password) =>
  post(`/requests/${id}/approve`, password ? { note, password } : { note }, { quiet: ['PASSWORD_REQUIRED'] })
export const rejectRequest = (id, reason) => post(`/requests/${id}/reject`, { reason })
export const offerAlternative = (id, alternative) => post(`/requests/${id}/alternative`, alternative)
