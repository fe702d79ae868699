import { get, post } from './request'

// The money check (issue 10 item 8): the last report (daily job or staff), and running one now.
export const getMoneyCheck = () => get('/finance/money-check')
export const runMoneyCheck = () => post('/finance/money-check')
