import { get, post } from './request'

export const listRefunds = (params) => get('/refunds', params)
export const retryRefund = (id) => post(`/refunds/${id}/retry`)
export const rerouteRefund = (id, body) => post(`/refunds/${id}/reroute`, body)
export const refundToBalance = (id) => post(`/refunds/${id}/to-balance`)
export const reissueRefund = (id) => post(`/refunds/${id}/reissue`)
export const listReconciliationRuns = (params) => get('/reconciliation/runs', params)
export const listMismatches = (params) => get('/reconciliation/mismatches', params)
