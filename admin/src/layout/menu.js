// Side menu: one entry per page, each guarded by the permission its page needs.
export const MENU = [
  { path: '/dashboard', title: '工作台', icon: 'Odometer' },
  { path: '/orders', title: '订单管理', icon: 'List', permission: 'order.view' },
  { path: '/batch-ship', title: '批量发货', icon: 'Van', permission: 'order.ship' },
  { path: '/reviews', title: '审核', icon: 'Stamp', permission: 'request.review' },
  { path: '/refunds', title: '退款', icon: 'Money', permission: 'refund.view' },
  { path: '/finance', title: '资金核对', icon: 'Money', permission: 'refund.view' },
  { path: '/after-sales', title: '售后', icon: 'Box', permission: 'after_sale.view' },
  { path: '/inventory', title: '库存', icon: 'Goods', permission: 'inventory.view' },
  { path: '/stats', title: '统计', icon: 'TrendCharts', permission: 'stats.view' },
  { path: '/complaints', title: '投诉', icon: 'Bell', permission: 'complaint.view' },
  { path: '/invoices', title: '发票', icon: 'Document', permission: 'invoice.manage' },
  { path: '/coupons', title: '优惠券', icon: 'Ticket', permission: 'coupon.view' },
  { path: '/risk', title: '风控', icon: 'Warning', permission: 'risk.view' },
  { path: '/feedback', title: '取消反馈', icon: 'ChatDotRound', permission: 'feedback.view' },
  { path: '/audit-logs', title: '审计日志', icon: 'Document', permission: 'audit.view' },
  { path: '/staff', title: '员工管理', icon: 'User', permission: 'staff.manage' },
  { path: '/settings', title: '设置', icon: 'Setting', permission: 'settings.view' },
]

export function visibleMenu(can) {
  return MENU.filter((item) => can(item.permission))
}
