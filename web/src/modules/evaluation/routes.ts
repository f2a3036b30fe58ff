// 优劣质案件评定 (issue 14 item 6): rubric editor (versions), evaluation rounds (case selection by rule
// or seeded random draw, panel, results with XLSX), the marking page of a panel member, and the
// anonymised teaching set.
import type { RouteRecordRaw } from 'vue-router'
import { Medal } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'evaluation-group', title: '案件评定', order: 66, icon: Medal }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/evaluation',
    name: 'evaluation-rounds',
    component: () => import('./views/RoundsView.vue'),
    meta: {
      perm: 'eval.read',
      title: '评定批次',
      menu: { group: 'evaluation-group', order: 10 },
      home: { title: '优劣质案件评定', desc: '评分细则、随机抽案、评审组打分、优劣质案件', order: 52, icon: Medal },
    },
  },
  {
    path: '/evaluation/rounds/:id(\\d+)',
    name: 'evaluation-round',
    component: () => import('./views/RoundView.vue'),
    meta: { perm: 'eval.read', title: '评定批次详情', activeMenu: 'evaluation-rounds' },
  },
  {
    path: '/evaluation/cases/:id(\\d+)',
    name: 'evaluation-mark',
    component: () => import('./views/MarkView.vue'),
    meta: { perm: 'eval.read', title: '案件评分', activeMenu: 'evaluation-rounds' },
  },
  {
    path: '/evaluation/rubrics',
    name: 'evaluation-rubrics',
    component: () => import('./views/RubricsView.vue'),
    meta: { perm: 'eval.read', title: '评分细则', menu: { group: 'evaluation-group', order: 20 } },
  },
  {
    path: '/evaluation/teaching',
    name: 'evaluation-teaching',
    component: () => import('./views/TeachingView.vue'),
    meta: { perm: 'eval.read', title: '教学案例', menu: { group: 'evaluation-group', order: 30 } },
  },
]
