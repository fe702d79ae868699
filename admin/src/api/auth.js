import { get, post } from './request'

// The login page shows its own one message (with the wait time when locked), never a toast per attempt.
export const login = (username, password) =>
  post('/auth/login', { username, password }, { quiet: ['LOGIN_FAILED', 'TOO_MANY_REQUESTS', 'VALIDATION_ERROR'] })
export const me = () => get('/auth/me')
export const logout = () => post('/auth/logout')
