import { download, get, post } from './request'
import { w } from '../utils/words'

export const listOrders = (params) => get('/orders', params)
export const getOrder = (id) => get(`/orders/${id}`)
export const acceptOrder = (id) => post(`/orders/${id}/accept`)
export const shipOrder = (id, carrier, trackingNo) => post(`/orders/${id}/ship`, { carrier, tracking_no: trackingNo })
// Over the amount threshold the API answers PASSWORD_REQUIRED; the dialog then asks for the password.
export const cancelOrder = (id, body) => post(`/orders/${id}/cancel`, body, { quiet: ['PASSWORD_REQUIRED'] })
// Exports are .xlsx: up to 10,000 rows at once; more as a job on the server (start, poll, then download).
export const exportOrders = (params) => download('/orders/export.xlsx', params, w('files.order_export'))
const filled = (params) => Object.fromEntries(Object.entries(params).filter(([, value]) => value !== '' && value != null))
export const startExport = (params) => post('/orders/exports', filled(params))
export const getExport = (id) => get(`/orders/exports/${id}`)
export const downloadExport = (id) => download(`/orders/exports/${id}/file`, null, w('files.order_export'))
// Staff changes apply at once (no request to themselves); a paid order's decrease is refunded, under the
// refund rules (a large refund answers PASSWORD_REQUIRED: see usePasswordRecheck).
export const modifyOrder = (id, changes, password) =>
  post(`/orders/${id}/modify`, password ? { ...changes, password } : changes, { quiet: ['PASSWORD_REQUIRED'] })
// R8: staff refunds (lines, an amount or the shipping fee) under the refund rules; see usePasswordRecheck.
export const previewModify = (id, changes) => post(`/orders/${id}/modify/preview`, changes, { quiet: true })
export const previewRefund = (id, { kind, lines, amount_fen: amountFen }) =>
  post(`/orders/${id}/refunds/preview`, { kind, lines, amount_fen: amountFen }, { quiet: true })
export const refundOrder = (id, body, password) =>
  post(`/orders/${id}/refunds`, password ? { ...body, password } : body, { quiet: ['PASSWORD_REQUIRED'] })
