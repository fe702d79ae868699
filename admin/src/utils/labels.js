// Chinese labels for machine codes the API may send without a *_label.
export const ORDER_STATUS = {
  pending_payment: '待付款', paid: '待发货', accepted: '备货中', shipped: '待收货', completed: '已完成', cancelled: '已取消',
}
export const REFUND_STATUS = {
  none: '无退款', refunding: '退款中', partially_refunded: '部分退款', refunded: '已退款', refund_failed: '退款失败',
}
export const REFUND_STATE = {
  pending: '待提交', processing: '处理中', succeeded: '退款成功', failed: '失败待重试', abnormal: '退款异常',
  wechat_abnormal: '微信退款异常', closed: '退款已关闭',
}
export const REQUEST_KIND = { cancel: '取消申请', modify: '修改申请', modification: '修改申请', after_sale: '售后申请' }
export const REQUEST_STATUS = {
  pending: '待审核', approved: '已同意', rejected: '已拒绝', escalated: '已升级', alternative_offered: '已提供替代方案',
  closed: '已关闭',
}
export const AFTER_SALE_TYPE = { refund_only: '仅退款', return_refund: '退货退款', exchange: '换货', repair: '维修' }
export const AFTER_SALE_STATUS = {
  pending: '待商家处理', awaiting_return: '待寄回商品', returning: '商品寄回中', exchanging: '换货中', repairing: '维修中',
  completed: '售后完成', rejected: '已拒绝', negotiating: '协商中·待顾客回应', closed: '已关闭（超时未寄回）', withdrawn: '已撤回',
}
export const MERCHANT_CANCEL_REASONS = [
  { code: 'out_of_stock', label: '缺货' },
  { code: 'quality_issue', label: '质量问题' },
  { code: 'undeliverable', label: '无法配送' },
  { code: 'system_error', label: '系统错误' },
  { code: 'other', label: '其他' },
]
export const ROLES = {
  customer_service: '客服', supervisor: '主管', finance: '财务', warehouse: '仓库', admin: '管理员',
}

export function label(map, code, fallback) {
  return fallback || map[code] || code || '—'
}

const STATUS_TAG = {
  pending_payment: 'warning', paid: 'primary', accepted: 'primary', shipped: '', completed: 'success', cancelled: 'info',
  succeeded: 'success', failed: 'danger', abnormal: 'danger', processing: 'warning', pending: 'warning',
  refunded: 'success', refund_failed: 'danger', refunding: 'warning', partially_refunded: 'warning', none: 'info',
  approved: 'success', rejected: 'danger',
}
export function tagType(code) {
  return STATUS_TAG[code] ?? ''
}
