import { createRouter, createWebHistory } from 'vue-router'
import { setUnauthorizedHandler } from '../api/request'
import { useStaffStore } from '../stores/staff'
import { loadLabels } from '../utils/labels'
import { MENU } from '../layout/menu'
import AdminLayout from '../layout/AdminLayout.vue'
import LoginView from '../views/LoginView.vue'

const pages = {
  '/dashboard': () => import('../views/DashboardView.vue'),
  '/orders': () => import('../views/orders/OrderList.vue'),
  '/batch-ship': () => import('../views/orders/BatchShipView.vue'),
  '/reviews': () => import('../views/reviews/ReviewList.vue'),
  '/refunds': () => import('../views/refunds/RefundList.vue'),
  '/finance': () => import('../views/finance/MoneyCheckView.vue'),
  '/after-sales': () => import('../views/after-sales/AfterSaleList.vue'),
  '/inventory': () => import('../views/inventory/InventoryView.vue'),
  '/stats': () => import('../views/stats/StatsView.vue'),
  '/complaints': () => import('../views/complaints/ComplaintList.vue'),
  '/invoices': () => import('../views/invoices/InvoiceList.vue'),
  '/coupons': () => import('../views/coupons/CouponList.vue'),
  '/risk': () => import('../views/risk/RiskView.vue'),
  '/feedback': () => import('../views/feedback/FeedbackList.vue'),
  '/audit-logs': () => import('../views/audit/AuditLogList.vue'),
  '/staff': () => import('../views/staff/StaffList.vue'),
  '/settings': () => import('../views/settings/SettingsView.vue'),
}

export const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
  // 打印发货单: a page of its own (no menu or header), A4 with @media print
  {
    path: '/print/packing',
    component: () => import('../views/orders/PackingSlips.vue'),
    meta: { title: '打印发货单', permission: 'order.view' },
  },
  {
    path: '/',
    component: AdminLayout,
    redirect: '/dashboard',
    children: [
      ...MENU.map((item) => ({
        path: item.path.slice(1),
        component: pages[item.path],
        meta: { title: item.title, permission: item.permission },
      })),
      {
        path: 'orders/:id',
        component: () => import('../views/orders/OrderPage.vue'),
        meta: { title: '订单详情', permission: 'order.view' },
      },
      { path: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { title: '无权限' } },
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: '/dashboard' },
]

export function createAdminRouter(history = createWebHistory('/admin/')) {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to) => {
    const store = useStaffStore()
    if (to.meta.public) return true
    if (!store.loggedIn) return { path: '/login', query: { redirect: to.fullPath } }
    if (!store.staff) {
      try {
        await store.loadMe()
      } catch {
        store.logout()
        return { path: '/login', query: { redirect: to.fullPath } }
      }
    }
    try {
      await loadLabels() // every Chinese label from GET /api/admin/meta, once
    } catch {
      // the page still opens; codes show until the next navigation loads the labels
    }
    if (!store.can(to.meta.permission)) return { path: '/forbidden' }
    return true
  })
  router.afterEach((to) => {
    document.title = `${to.meta.title || '管理后台'} - 订单售后管理后台`
  })
  setUnauthorizedHandler(() => {
    useStaffStore().logout()
    const current = router.currentRoute.value
    if (current.path !== '/login') router.push({ path: '/login', query: { redirect: current.fullPath } })
  })
  return router
}
