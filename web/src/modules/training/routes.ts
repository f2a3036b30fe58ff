// 学法用法 (issue 14 items 1 and 4): training sessions with attendance (roster or QR check-in on a
// phone), monthly study plans, the materials library, leaders' law study and the year overview.
import type { RouteRecordRaw } from 'vue-router'
import { Reading } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'training-group', title: '学法用法', order: 66, icon: Reading }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/training',
    name: 'training-sessions',
    component: () => import('./views/SessionsView.vue'),
    meta: {
      perm: 'training.read',
      title: '学法培训',
      menu: { group: 'training-group', order: 10 },
      home: { title: '学法用法', desc: '每周一学、法制夜校、大讲堂，扫码签到、学法计划与资料库', order: 50, icon: Reading },
    },
  },
  {
    path: '/training/sessions/:id(\\d+)',
    name: 'training-session',
    component: () => import('./views/SessionView.vue'),
    meta: { perm: 'training.read', title: '培训详情', activeMenu: 'training-sessions' },
  },
  {
    path: '/training/checkin',
    name: 'training-checkin',
    component: () => import('./views/CheckinView.vue'),
    meta: { perm: 'training.read', bare: true, title: '培训签到' },
  },
  {
    path: '/training/plans',
    name: 'training-plans',
    component: () => import('./views/PlansView.vue'),
    meta: { perm: 'training.read', title: '每月学法计划', menu: { group: 'training-group', order: 20 } },
  },
  {
    path: '/training/materials',
    name: 'training-materials',
    component: () => import('./views/MaterialsView.vue'),
    meta: { perm: 'training.read', title: '学法资料库', menu: { group: 'training-group', order: 30 } },
  },
  {
    path: '/training/leaders',
    name: 'training-leaders',
    component: () => import('./views/LeadersView.vue'),
    meta: { perm: 'training.read', title: '领导干部学法', menu: { group: 'training-group', order: 40 } },
  },
  {
    path: '/training/overview',
    name: 'training-overview',
    component: () => import('./views/OverviewView.vue'),
    meta: { perm: 'training.read', title: '学法年度统计', menu: { group: 'training-group', order: 50 } },
  },
]
