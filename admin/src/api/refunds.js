import { get, post } from './request'

export const listRefunds = (params) => get('/refunds', params)
export const retryRefund = (id) => post(`/refunds/${id}/retry`)
export const listReconciliationRuns = (params) => get('/reconciliation/runs', params)
export const listMismatches = (params) => get('/reconciliation/mismatches', params)
