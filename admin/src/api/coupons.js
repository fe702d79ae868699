import { get, patch, post } from './request'

export const listCoupons = (params) => get('/coupons', params)
export const createCoupon = (body) => post('/coupons', body)
export const updateCoupon = (id, body) => patch(`/coupons/${id}`, body)
export const publishCoupon = (id) => post(`/coupons/${id}/publish`)
export const unpublishCoupon = (id) => post(`/coupons/${id}/unpublish`)
export const stopCoupon = (id) => post(`/coupons/${id}/stop`)
export const issueCoupon = (id, body) => post(`/coupons/${id}/issue`, body)
