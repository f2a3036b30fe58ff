// 谁执法谁普法 (issue 14 item 5): the campaign calendar and the yearly plan → mid-year check → summary
// cycle, each unit's duty list, the events with audience, materials and photos, and the year summary.
import type { RouteRecordRaw } from 'vue-router'
import { Promotion } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'publicity-group', title: '普法宣传', order: 67, icon: Promotion }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/publicity',
    name: 'publicity-plan',
    component: () => import('./views/PlanView.vue'),
    meta: {
      perm: 'publicity.read',
      title: '普法工作',
      menu: { group: 'publicity-group', order: 10 },
      home: { title: '谁执法谁普法', desc: '责任清单、年度计划与总结、宣传节点、普法活动', order: 53, icon: Promotion },
    },
  },
  {
    path: '/publicity/events',
    name: 'publicity-events',
    component: () => import('./views/EventsView.vue'),
    meta: { perm: 'publicity.read', title: '普法活动', menu: { group: 'publicity-group', order: 20 } },
  },
  {
    path: '/publicity/summary',
    name: 'publicity-summary',
    component: () => import('./views/SummaryView.vue'),
    meta: { perm: 'publicity.read', title: '年度普法总结', menu: { group: 'publicity-group', order: 30 } },
  },
]
