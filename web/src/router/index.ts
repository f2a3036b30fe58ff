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
