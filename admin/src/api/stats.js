import { download, get } from './request'
import { w } from '../utils/words'

// Reports: cancellations | refunds, grouped by day/week/month/reason/stage/category/customer_group/member_level/operator.
export const getReport = (report, params) => get(`/stats/${report}`, params)
export const getSummary = (params) => get('/stats/summary', params)
export const exportStats = (params) => download('/stats/export.csv', params, w('files.stats_export'))
