import { get, post, patch } from './request'

export const listStaff = (params) => get('/staff', params)
export const createStaff = (body) => post('/staff', body)
export const updateStaff = (id, body) => patch(`/staff/${id}`, body)
