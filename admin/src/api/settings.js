import { get, put } from './request'

export const getSettings = () => get('/settings')
export const saveSettings = (body) => put('/settings', body)
