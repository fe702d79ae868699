import { get, post } from './request'

export const listComplaints = (params) => get('/complaints', params)
export const getComplaint = (id) => get(`/complaints/${id}`)
export const respondComplaint = (id, text) => post(`/complaints/${id}/respond`, { text })
export const updateComplaintRefund = (id, body) => post(`/complaints/${id}/update-refund-progress`, body)
export const completeComplaint = (id) => post(`/complaints/${id}/complete`)
