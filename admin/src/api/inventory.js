import { get, post } from './request'

export const listInventory = (params) => get('/inventory', params)
export const getLedger = (skuId, params) => get(`/inventory/${skuId}/ledger`, params)
export const adjustStock = (skuId, change, note) => post(`/inventory/${skuId}/adjust`, { change, note })
export const stockReconciliation = () => get('/inventory/reconciliation')
export const purchaseAdvice = (params) => get('/inventory/purchase-advice', params)
