import { buildUrl, get, getToken } from './request'

// Reports: cancellations | refunds, grouped by day/week/month/reason/stage/category/customer_group/member_level/operator.
export const getReport = (report, params) => get(`/stats/${report}`, params)
export const getSummary = (params) => get('/stats/summary', params)
export const statsExportUrl = (params) => buildUrl('/stats/export.csv', { ...params, token: getToken() })
