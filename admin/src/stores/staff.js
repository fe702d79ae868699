// The logged-in staff member and what their role may do (menus and buttons read `can`).
import { defineStore } from 'pinia'
import * as authApi from '../api/auth'
import { getToken, setToken } from '../api/request'

export const useStaffStore = defineStore('staff', {
  state: () => ({ token: getToken(), staff: null }),
  getters: {
    loggedIn: (state) => Boolean(state.token),
    permissions: (state) => state.staff?.permissions ?? [],
  },
  actions: {
    can(permission) {
      if (!permission) return true
      const granted = this.permissions
      const wanted = Array.isArray(permission) ? permission : [permission]
      return wanted.some((p) => granted.includes(p) || granted.includes('*'))
    },
    async login(username, password) {
      const { token, staff } = await authApi.login(username, password)
      setToken(token)
      this.token = token
      this.staff = staff
    },
    async loadMe() {
      const data = await authApi.me()
      this.staff = data.staff ?? data
    },
    logout() {
      setToken('')
      this.token = ''
      this.staff = null
    },
  },
})
