import { get, post } from './request'

export const listShoppers = (params) => get('/risk/shoppers', params)
export const flagShopper = (id, reason) => post(`/risk/shoppers/${id}/flag`, { reason })
export const unflagShopper = (id) => post(`/risk/shoppers/${id}/unflag`)
export const allowListShopper = (id) => post(`/risk/shoppers/${id}/allow-list`)
export const banShopper = (id, reason) => post(`/risk/shoppers/${id}/ban`, { reason })
export const unbanShopper = (id) => post(`/risk/shoppers/${id}/unban`)
