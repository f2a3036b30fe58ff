// 执法办案积分 (issue 4): my points, rankings, the year, objections, the monthly cycle and the
// printable 晾晒 sheet.
import type { RouteRecordRaw } from 'vue-router'
import { Trophy } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'points', title: '执法积分', order: 60, icon: Trophy }]

export const routes: RouteRecordRaw[] = [
  {
    // The printable 晾晒 sheet: no menu, no header.
    path: '/print/points/:month(\\d{4}-\\d{2})',
    name: 'points-sheet',
    component: () => import('./views/PublicitySheetView.vue'),
    meta: { perm: 'score.read', title: '积分晾晒表', bare: true },
  },
  {
    path: '/points/me',
    name: 'my-points',
    component: () => import('./views/MyPointsView.vue'),
    meta: { perm: 'score.read', title: '我的积分', menu: { group: 'points', order: 10 } },
  },
  {
    path: '/points/officers/:id(\\d+)',
    name: 'officer-points',
    component: () => import('./views/MyPointsView.vue'),
    meta: { perm: 'score.manage', title: '民警积分', activeMenu: 'rankings' },
  },
  {
    path: '/points/rankings',
    name: 'rankings',
    component: () => import('./views/RankingsView.vue'),
    meta: {
      perm: 'score.read',
      title: '积分排名',
      menu: { group: 'points', order: 20 },
      home: { title: '执法积分', desc: '积分明细、排名与晾晒', order: 40, icon: Trophy },
    },
  },
  {
    path: '/points/year',
    name: 'year-points',
    component: () => import('./views/YearView.vue'),
    meta: { perm: 'score.read', title: '年度汇总', menu: { group: 'points', order: 30 } },
  },
  {
    path: '/points/objections',
    name: 'objections',
    component: () => import('./views/ObjectionsView.vue'),
    meta: { perm: 'score.read', title: '积分复核', menu: { group: 'points', order: 40 } },
  },
  {
    path: '/points/months',
    name: 'score-months',
    component: () => import('./views/MonthsView.vue'),
    meta: { perm: 'score.manage', title: '月度积分管理', menu: { group: 'points', order: 50 } },
  },
]
