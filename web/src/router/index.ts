import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { ElMessage } from 'element-plus'
import { hasPerm, loadMe, session } from '../api/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission needed to open the page (and to see its menu entry). */
    perm?: string
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('../views/LoginView.vue'),
    meta: { public: true, title: '登录' },
  },
  {
    // The printable 晾晒 sheet: no menu, no header.
    path: '/print/points/:month(\\d{4}-\\d{2})',
    name: 'points-sheet',
    component: () => import('../views/scoring/PublicitySheetView.vue'),
    meta: { perm: 'score.read', title: '积分晾晒表' },
  },
  {
    path: '/',
    component: () => import('../layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../views/HomeView.vue'), meta: { title: '首页' } },
      {
        path: 'org/units',
        name: 'units',
        component: () => import('../views/UnitsView.vue'),
        meta: { perm: 'org.read', title: '组织机构' },
      },
      {
        path: 'org/people',
        name: 'people',
        component: () => import('../views/PeopleView.vue'),
        meta: { perm: 'people.read', title: '人员管理' },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('../views/UsersView.vue'),
        meta: { perm: 'user.admin', title: '用户管理' },
      },
      {
        path: 'security/policy',
        name: 'security-policy',
        component: () => import('../views/SecurityPolicyView.vue'),
        meta: { perm: 'security.admin', title: '安全策略' },
      },
      {
        path: 'security/unlock',
        name: 'unlock',
        component: () => import('../views/UnlockView.vue'),
        meta: { perm: 'security.admin', title: '账号解锁' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('../views/AuditView.vue'),
        meta: { perm: 'audit.read', title: '审计日志' },
      },
      // ---- 案件管理 (issue 3) ----
      {
        path: 'cases',
        name: 'cases',
        component: () => import('../views/cases/CaseListView.vue'),
        meta: { perm: 'case.read', title: '案件列表' },
      },
      {
        path: 'cases/import',
        name: 'case-import',
        component: () => import('../views/cases/CaseImportView.vue'),
        meta: { perm: 'case.write', title: '数据导入' },
      },
      {
        path: 'cases/:id(\\d+)',
        name: 'case',
        component: () => import('../views/cases/CaseDetailView.vue'),
        meta: { perm: 'case.read', title: '案件详情' },
      },
      // ---- 执法监督 ----
      {
        path: 'alerts',
        name: 'alerts',
        component: () => import('../views/oversight/AlertsView.vue'),
        meta: { perm: 'case.read', title: '预警中心' },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('../views/oversight/NotificationsView.vue'),
        meta: { title: '通知' },
      },
      {
        path: 'orders',
        name: 'orders',
        component: () => import('../views/oversight/OrdersView.vue'),
        meta: { perm: 'case.read', title: '督办' },
      },
      {
        path: 'orders/:id(\\d+)',
        name: 'order',
        component: () => import('../views/oversight/OrderDetailView.vue'),
        meta: { perm: 'case.read', title: '督办详情' },
      },
      {
        path: 'reviews',
        name: 'reviews',
        component: () => import('../views/oversight/ReviewsView.vue'),
        meta: { perm: 'case.review', title: '法制审核' },
      },
      {
        path: 'oversight/metrics',
        name: 'metrics',
        component: () => import('../views/oversight/MetricsView.vue'),
        meta: { perm: 'case.read', title: '平台应用考核' },
      },
      {
        path: 'oversight/rules',
        name: 'rules',
        component: () => import('../views/oversight/RuleConfigView.vue'),
        meta: { perm: 'rule.admin', title: '监管配置' },
      },
      {
        path: 'oversight/calendar',
        name: 'calendar',
        component: () => import('../views/oversight/CalendarView.vue'),
        meta: { perm: 'rule.admin', title: '节假日日历' },
      },
      // ---- 执法办案积分 (issue 4) ----
      {
        path: 'points/me',
        name: 'my-points',
        component: () => import('../views/scoring/MyPointsView.vue'),
        meta: { perm: 'score.read', title: '我的积分' },
      },
      {
        path: 'points/officers/:id(\\d+)',
        name: 'officer-points',
        component: () => import('../views/scoring/MyPointsView.vue'),
        meta: { perm: 'score.manage', title: '民警积分' },
      },
      {
        path: 'points/rankings',
        name: 'rankings',
        component: () => import('../views/scoring/RankingsView.vue'),
        meta: { perm: 'score.read', title: '积分排名' },
      },
      {
        path: 'points/year',
        name: 'year-points',
        component: () => import('../views/scoring/YearView.vue'),
        meta: { perm: 'score.read', title: '年度汇总' },
      },
      {
        path: 'points/objections',
        name: 'objections',
        component: () => import('../views/scoring/ObjectionsView.vue'),
        meta: { perm: 'score.read', title: '积分复核' },
      },
      {
        path: 'points/months',
        name: 'score-months',
        component: () => import('../views/scoring/MonthsView.vue'),
        meta: { perm: 'score.manage', title: '月度积分管理' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('../views/NotFoundView.vue'),
        meta: { title: '页面不存在' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
})

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadMe()
    } catch {
      // Server unreachable: let the login page say so when the user tries.
    }
  }
  if (to.meta.public) {
    if (to.name === 'login' && session.me) {
      const target = typeof to.query.redirect === 'string' ? to.query.redirect : '/'
      return target.startsWith('/') && !target.startsWith('//') ? target : '/'
    }
    return true
  }
  if (!session.me) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.meta.perm && !hasPerm(to.meta.perm)) {
    ElMessage.warning('您没有访问该页面的权限')
    return { name: 'home' }
  }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 法治执法规范化管理平台` : '法治执法规范化管理平台'
})
