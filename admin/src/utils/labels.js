// Chinese labels for machine codes, all from the server's one source (GET /api/admin/meta), loaded once after
// sign-in (loadLabels, in the router guard) into these maps. Nothing here is a copy of the server's words.
import { reactive } from 'vue'
import { get } from '../api/request'

export const ORDER_STATUS = reactive({})
export const REFUND_STATUS = reactive({})
export const REFUND_STATE = reactive({})
export const REQUEST_KIND = reactive({})
export const REQUEST_STATUS = reactive({})
export const AFTER_SALE_TYPE = reactive({})
export const AFTER_SALE_STATUS = reactive({})
export const MERCHANT_CANCEL_REASON = reactive({})
export const ROLES = reactive({})
export const ACTIONS = reactive({})
export const PERMISSIONS = reactive({})
export const SETTINGS = reactive({})
export const AUDIT_ACTIONS = reactive({})
export const MODIFICATION_FIELDS = reactive({})
export const RECONCILIATION_STATUS = reactive({})
export const WECHAT_ERRORS = reactive({})
export const COUPON_KIND = reactive({})
export const COUPON_SCOPE = reactive({})
export const COUPON_STATUS = reactive({})
export const COUPON_ACTIONS = reactive({})
export const SHOP = reactive({ name: '' }) // the shop's name (packing slips)

// meta key -> the map it fills
const FROM_META = {
  order_status: ORDER_STATUS, order_refund_status: REFUND_STATUS, refund_state: REFUND_STATE,
  request_kind: REQUEST_KIND, request_status: REQUEST_STATUS, after_sale_type: AFTER_SALE_TYPE,
  after_sale_status: AFTER_SALE_STATUS, merchant_cancel_reasons: MERCHANT_CANCEL_REASON, roles: ROLES,
  actions: ACTIONS, permissions: PERMISSIONS, settings: SETTINGS, audit_actions: AUDIT_ACTIONS,
  modification_fields: MODIFICATION_FIELDS, reconciliation_status: RECONCILIATION_STATUS, wechat_errors: WECHAT_ERRORS,
  coupon_kind: COUPON_KIND, coupon_scope: COUPON_SCOPE, coupon_status: COUPON_STATUS, coupon_actions: COUPON_ACTIONS,
}

let loading = null
export function loadLabels(fetchMeta = () => get('/meta')) {
  loading ??= fetchMeta().then((meta) => {
    for (const [key, map] of Object.entries(FROM_META)) Object.assign(map, meta[key] || {})
    SHOP.name = meta.shop_name || ''
  }).catch((error) => {
    loading = null // try again on the next navigation
    throw error
  })
  return loading
}

export function label(map, code, fallback) {
  return fallback || map[code] || code || '—'
}

// Element Plus tag colours (presentation, not words).
const STATUS_TAG = {
  pending_payment: 'warning', paid: 'primary', accepted: 'primary', shipped: 'primary', completed: 'success', cancelled: 'info',
  succeeded: 'success', failed: 'danger', abnormal: 'danger', processing: 'warning', pending: 'warning',
  refunded: 'success', refund_failed: 'danger', refunding: 'warning', partially_refunded: 'warning', none: 'info',
  approved: 'success', rejected: 'danger',
}
// No colour of its own: Element Plus's default (an empty type is not one of its types).
export function tagType(code) {
  return STATUS_TAG[code]
}
