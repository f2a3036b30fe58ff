// 接报案大厅 (issue 13): the desk (register on the spot, the open-ticket queue with countdowns), the
// hall's 24-hour duty roster (值班表), the ticket page with its history and actions, and the public
// progress lookup (no login).
import type { RouteRecordRaw } from 'vue-router'
import { Tickets } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'intake-group', title: '接报案大厅', order: 64, icon: Tickets }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/intake',
    name: 'intake-desk',
    component: () => import('./views/DeskView.vue'),
    meta: {
      perm: 'intake.read',
      title: '接报案登记',
      menu: { group: 'intake-group', order: 10 },
      home: { title: '接报案大厅', desc: '集中接待、统一分流、闭环管理、全程留痕', order: 48, icon: Tickets },
    },
  },
  {
    path: '/intake/tickets/:id(\\d+)',
    name: 'intake-ticket',
    component: () => import('./views/TicketView.vue'),
    meta: { perm: 'intake.read', title: '接报案详情', activeMenu: 'intake-desk' },
  },
  {
    path: '/intake/duty',
    name: 'intake-duty',
    component: () => import('./views/RosterView.vue'),
    meta: { perm: 'intake.read', title: '值班表', menu: { group: 'intake-group', order: 15 } },
  },
  {
    path: '/intake/stats',
    name: 'intake-stats',
    component: () => import('./views/StatsView.vue'),
    meta: { perm: 'intake.read', title: '接报案统计', menu: { group: 'intake-group', order: 20 } },
  },
  {
    path: '/lookup',
    name: 'intake-lookup',
    component: () => import('./views/LookupView.vue'),
    meta: { public: true, bare: true, title: '办理进度查询' },
  },
]
