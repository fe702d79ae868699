// Side menu: one entry per page, each guarded by the permission its page needs. `word` is the page's title in the
// server's words (menu group); `title` draws it.
import { w } from '../utils/words'

export const MENU = [
  { path: '/dashboard', word: 'menu.dashboard', icon: 'Odometer' },
  { path: '/orders', word: 'menu.orders', icon: 'List', permission: 'order.view' },
  { path: '/batch-ship', word: 'menu.batch_ship', icon: 'Van', permission: 'order.ship' },
  { path: '/reviews', word: 'menu.reviews', icon: 'Stamp', permission: 'request.review' },
  { path: '/refunds', word: 'menu.refunds', icon: 'Money', permission: 'refund.view' },
  { path: '/finance', word: 'menu.finance', icon: 'Money', permission: 'refund.view' },
  { path: '/after-sales', word: 'menu.after_sales', icon: 'Box', permission: 'after_sale.view' },
  { path: '/inventory', word: 'menu.inventory', icon: 'Goods', permission: 'inventory.view' },
  { path: '/stats', word: 'menu.stats', icon: 'TrendCharts', permission: 'stats.view' },
  { path: '/complaints', word: 'menu.complaints', icon: 'Bell', permission: 'complaint.view' },
  { path: '/invoices', word: 'menu.invoices', icon: 'Document', permission: 'invoice.manage' },
  { path: '/coupons', word: 'menu.coupons', icon: 'Ticket', permission: 'coupon.view' },
  { path: '/risk', word: 'menu.risk', icon: 'Warning', permission: 'risk.view' },
  { path: '/feedback', word: 'menu.feedback', icon: 'ChatDotRound', permission: 'feedback.view' },
  { path: '/audit-logs', word: 'menu.audit_logs', icon: 'Document', permission: 'audit.view' },
  { path: '/staff', word: 'menu.staff', icon: 'User', permission: 'staff.manage' },
  { path: '/settings', word: 'menu.settings', icon: 'Setting', permission: 'settings.view' },
]

for (const item of MENU) Object.defineProperty(item, 'title', { get: () => w(item.word), enumerable: true })

export function visibleMenu(can) {
  return MENU.filter((item) => can(item.permission))
}
