// 平安志愿者 (issue 15 item 6): the coordinator's pages — registrations and vetting with the roster
// (XLSX), tasks with check-in anomalies, clues review and the points ledger, rewards and the monthly
// 巡防之星 — and the volunteer's own phone page (my tasks, check in/out, clues, points, rewards).
import type { RouteRecordRaw } from 'vue-router'
import { Avatar } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'volunteers-group', title: '平安志愿者', order: 66, icon: Avatar }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/volunteers',
    name: 'volunteers-roster',
    component: () => import('./views/RosterView.vue'),
    meta: {
      perm: 'volunteer.read',
      title: '登记与名册',
      menu: { group: 'volunteers-group', order: 10 },
      home: { title: '平安志愿者', desc: '凤城蓝卫：登记审核、任务签到、线索积分、巡防之星', order: 52, icon: Avatar },
    },
  },
  {
    path: '/volunteers/tasks',
    name: 'volunteers-tasks',
    component: () => import('./views/TasksView.vue'),
    meta: { perm: 'volunteer.read', title: '任务与签到', menu: { group: 'volunteers-group', order: 20 } },
  },
  {
    path: '/volunteers/clues',
    name: 'volunteers-clues',
    component: () => import('./views/CluesView.vue'),
    meta: { perm: 'volunteer.read', title: '线索与积分', menu: { group: 'volunteers-group', order: 30 } },
  },
  {
    path: '/volunteers/rewards',
    name: 'volunteers-rewards',
    component: () => import('./views/RewardsView.vue'),
    meta: { perm: 'volunteer.read', title: '奖励与巡防之星', menu: { group: 'volunteers-group', order: 40 } },
  },
  {
    path: '/volunteer',
    name: 'volunteer-me',
    component: () => import('./views/MyView.vue'),
    meta: {
      perm: 'volunteer.self',
      bare: true,
      title: '我的志愿服务',
      home: { title: '我的志愿服务', desc: '我的任务、签到签退、报告线索、积分兑换', order: 53, icon: Avatar },
    },
  },
]
