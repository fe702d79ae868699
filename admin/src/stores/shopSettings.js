// Shop settings every page may read (cancel reasons are configurable, SPEC C1/C3); loaded once.
import { defineStore } from 'pinia'
import { getSettings } from '../api/settings'
import { MERCHANT_CANCEL_REASON } from '../utils/labels'

export const useShopSettings = defineStore('shopSettings', {
  state: () => ({ items: [], loaded: false }),
  getters: {
    value: (state) => (key) => state.items.find((item) => item.key === key)?.value,
    merchantReasons() {
      const reasons = this.value('merchant_cancel_reasons')
      return Object.entries(reasons || MERCHANT_CANCEL_REASON).map(([code, label]) => ({ code, label }))
    },
    reasonLabel() {
      const all = { ...(this.value('shopper_cancel_reasons') || {}), ...(this.value('merchant_cancel_reasons') || {}) }
      return (code) => all[code] || code
    },
  },
  actions: {
    async ensureLoaded() {
      if (this.loaded) return
      try {
        const data = await getSettings()
        this.items = data?.items ?? []
        this.loaded = true
      } catch {
        // the defaults above still work
      }
    },
  },
})
