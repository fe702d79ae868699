import { del, get, post, put } from './request'

// Settings, after-sales rules (A6): every answer is {items, options}; options carry the server's Chinese labels.
export const getAfterSaleRules = () => get('/after-sale-rules')
export const addAfterSaleRule = (rule) => post('/after-sale-rules', rule)
export const updateAfterSaleRule = (id, rule) => put(`/after-sale-rules/${id}`, rule)
export const deleteAfterSaleRule = (id) => del(`/after-sale-rules/${id}`)
