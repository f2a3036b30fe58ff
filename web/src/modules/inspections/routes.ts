// 三级执法巡查 (issue 12): my tasks to judge, all tasks, plans and checklists, findings (each one a
// 督办), and the roll-up with its charts and XLSX export.
import type { RouteRecordRaw } from 'vue-router'
import { Search } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'inspection-group', title: '执法巡查', order: 62, icon: Search }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/inspections/tasks',
    name: 'inspection-tasks',
    component: () => import('./views/TasksView.vue'),
    meta: {
      perm: 'inspection.read',
      title: '巡查任务',
      menu: { group: 'inspection-group', order: 10 },
      home: { title: '三级执法巡查', desc: '市巡分县局、分县局巡基层科所队、基层科所队巡办案民警', order: 45, icon: Search },
    },
  },
  {
    path: '/inspections/tasks/:id(\\d+)',
    name: 'inspection-task',
    component: () => import('./views/TaskView.vue'),
    meta: { perm: 'inspection.read', title: '巡查任务', activeMenu: 'inspection-tasks' },
  },
  {
    path: '/inspections/findings',
    name: 'inspection-findings',
    component: () => import('./views/FindingsView.vue'),
    meta: { perm: 'inspection.read', title: '巡查发现问题', menu: { group: 'inspection-group', order: 20 } },
  },
  {
    path: '/inspections/rollup',
    name: 'inspection-rollup',
    component: () => import('./views/RollupView.vue'),
    meta: { perm: 'inspection.read', title: '巡查汇总', menu: { group: 'inspection-group', order: 30 } },
  },
  {
    path: '/inspections/plans',
    name: 'inspection-plans',
    component: () => import('./views/PlansView.vue'),
    meta: { perm: 'inspection.read', title: '巡查计划与清单', menu: { group: 'inspection-group', order: 40 } },
  },
]
