import { get, post, request } from './request'

// Batch work (A7): one action over many items, run by the server as a job; GET /batches/<id> for progress.
const withPassword = (body, password) => (password ? { ...body, password } : body)
export const approveRequests = (ids, note = '', password) => post('/batches/requests/approve', withPassword({ ids, note }, password))
export const rejectRequests = (ids, reason) => post('/batches/requests/reject', { ids, reason })
export const approveAfterSales = (ids, note = '', password) => post('/batches/after-sales/approve', withPassword({ ids, note }, password))
export const rejectAfterSales = (ids, reason) => post('/batches/after-sales/reject', { ids, reason })
export const acceptOrders = (ids) => post('/batches/orders/accept', { ids })
export const shipOrders = (items) => post('/batches/orders/ship', { items })
export const shipOrdersFromFile = (file) => {
  const form = new FormData()
  form.append('file', file)
  return request('POST', '/batches/orders/ship-file', { body: form, quiet: ['VALIDATION_ERROR'] })
}
export const recallSku = (body) => post('/batches/recall', body, { quiet: ['PASSWORD_REQUIRED'] })
export const getBatch = (id, params) => get(`/batches/${id}`, params)
