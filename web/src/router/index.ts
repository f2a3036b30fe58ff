import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { ElMessage } from 'element-plus'
import { hasPerm, loadMe, session } from '@/api/session'
import type { MenuGroup, ModuleRoutes } from './types'
import * as shell from '@/modules/shell/routes'
import * as org from '@/modules/org/routes'
import * as cases from '@/modules/cases/routes'
import * as oversight from '@/modules/oversight/routes'
import * as scoring from '@/modules/scoring/routes'
import * as bulletins from '@/modules/bulletins/routes'
import * as inspections from '@/modules/inspections/routes'
import * as intake from '@/modules/intake/routes'
import * as exams from '@/modules/exams/routes'
import * as training from '@/modules/training/routes'
import * as evaluation from '@/modules/evaluation/routes'
import * as publicity from '@/modules/publicity/routes'
import * as patrol from '@/modules/patrol/routes'
import * as volunteers from '@/modules/volunteers/routes'
import * as admin from '@/modules/admin/routes'

// Every module's pages. A new module adds its routes.ts here; its menu entries, menu group and
// home card come with it (src/router/types.ts).
const MODULES: ModuleRoutes[] = [
  shell, org, cases, oversight, scoring, inspections, intake, exams, training, evaluation, publicity, patrol, volunteers, bulletins, admin,
]

export const menuGroups: MenuGroup[] = MODULES.flatMap((m) => m.menuGroups ?? [])

const pages = MODULES.flatMap((m) => m.routes)

const routes: RouteRecordRaw[] = [
  // Sign-in and print pages stand alone.
  ...pages.filter((r) => r.meta?.bare),
  {
    // Every other page opens inside the main layout (menu, header); their paths are absolute.
    path: '/',
    component: () => import('@/modules/shell/MainLayout.vue'),
    children: pages.filter((r) => !r.meta?.bare),
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
