import { get, post } from './request'

export const listAfterSales = (params) => get('/after-sales', params)
export const receiveReturn = (id, resellable) => post(`/after-sales/${id}/receive`, { resellable })
