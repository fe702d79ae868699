import { download, get, post, request } from './request'
import { w } from '../utils/words'

export const listInvoices = (params) => get('/invoices', params)
export const getInvoice = (id) => get(`/invoices/${id}`)
export const uploadInvoicePdf = (file) => {
  const form = new FormData()
  form.append('file', file)
  return request('POST', '/invoice-files', { body: form })
}
export const issueInvoice = (id, body) => post(`/invoices/${id}/issue`, body)
export const rejectInvoice = (id, reason) => post(`/invoices/${id}/reject`, { reason })
export const recordRedInvoice = (id, body) => post(`/invoices/${id}/red`, body)
export const downloadInvoicePdf = (id) => download(`/invoices/${id}/pdf`, null, w('files.invoice_pdf', { id }))
