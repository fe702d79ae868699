import { createRouter, createWebHistory } from 'vue-router'
import { setUnauthorizedHandler } from '../api/request'
import { useStaffStore } from '../stores/staff'
import { loadLabels } from '../utils/labels'
import { w } from '../utils/words'
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

// meta.title: the page's title as a key of the server's words (drawn with w / $w).
export const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'menu.login' } },
  // The packing slips: a page of its own (no menu or header), A4 with @media print
  {
    path: '/print/packing',
    component: () => import('../views/orders/PackingSlips.vue'),
    meta: { title: 'menu.packing_slips', permission: 'order.view' },
  },
  {
    path: '/',
    component: AdminLayout,
    redirect: '/dashboard',
    children: [
      ...MENU.map((item) => ({
        path: item.path.slice(1),
        component: pages[item.path],
        meta: { title: item.word, permission: item.permission },
      })),
      {
        path: 'orders/:id',
        component: () => import('../views/orders/OrderPage.vue'),
        meta: { title: 'menu.order_detail', permission: 'order.view' },
      },
      { path: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { title: 'menu.forbidden' } },
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
    document.title = w('layout.document_title', { page: w(to.meta.title || 'common.admin') })
  })
  setUnauthorizedHandler(() => {
    useStaffStore().logout()
    const current = router.currentRoute.value
    if (current.path !== '/login') router.push({ path: '/login', query: { redirect: current.fullPath } })
  })
  return router
}
