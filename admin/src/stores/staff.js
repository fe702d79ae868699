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
    // Sign out: the server revokes every token of this account, then the local copy is dropped.
    async signOut() {
      try {
        await authApi.logout()
      } catch {
        // already invalid or the server is unreachable: the local token goes anyway
      }
      this.logout()
    },
    logout() {
      setToken('')
      this.token = ''
      this.staff = null
    },
  },
})
