import { get, post } from './request'

export const login = (username, password) => post('/auth/login', { username, password })
export const me = () => get('/auth/me')
export const logout = () => post('/auth/logout')
