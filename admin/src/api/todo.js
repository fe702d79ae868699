import { get } from './request'

export const getTodo = () => get('/todo')
