import { get } from './request'

export const listFeedback = (params) => get('/feedback', params)
