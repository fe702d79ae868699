import { get, post } from './request'

export const listAfterSales = (params) => get('/after-sales', params)
export const receiveReturn = (id, resellable) => post(`/after-sales/${id}/receive`, { resellable })
export const shipReplacement = (id, carrier, trackingNo) => post(`/after-sales/${id}/ship-replacement`, { carrier, tracking_no: trackingNo })
export const returnRepaired = (id, carrier, trackingNo) => post(`/after-sales/${id}/return-repaired`, { carrier, tracking_no: trackingNo })
export const proposeAfterSale = (id, body, password) => post(`/after-sales/${id}/propose`, { ...body, password })
