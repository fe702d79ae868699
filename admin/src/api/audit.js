import { get } from './request'

export const listAuditLogs = (params) => get('/audit-logs', params)
