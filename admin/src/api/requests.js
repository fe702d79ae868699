import { get, post } from './request'

// Cancel, modification and after-sales requests waiting for staff (SPEC §5 /requests).
export const listRequests = (params) => get('/requests', params)
export const approveRequest = (id, note = '') => post(`/requests/${id}/approve`, { note })
export const rejectRequest = (id, reason) => post(`/requests/${id}/reject`, { reason })
export const offerAlternative = (id, alternative) => post(`/requests/${id}/alternative`, alternative)
