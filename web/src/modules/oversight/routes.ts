// 执法监督: alerts, notifications, 督办, 法制审核, platform-use metrics and the rule settings.
import type { RouteRecordRaw } from 'vue-router'
import { DataLine, Warning } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'oversight', title: '执法监督', order: 50, icon: Warning }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/alerts',
    name: 'alerts',
    component: () => import('./views/AlertsView.vue'),
    meta: {
      perm: 'case.read',
      title: '预警中心',
      menu: { group: 'oversight', order: 10 },
      home: { desc: '法定期限预警、告警与违规', order: 20, icon: Warning },
    },
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('./views/NotificationsView.vue'),
    meta: { title: '通知' },
  },
  {
    path: '/orders',
    name: 'orders',
    component: () => import('./views/OrdersView.vue'),
    meta: { perm: 'case.read', title: '督办', menu: { group: 'oversight', order: 20 } },
  },
  {
    path: '/orders/:id(\\d+)',
    name: 'order',
    component: () => import('./views/OrderDetailView.vue'),
    meta: { perm: 'case.read', title: '督办详情' },
  },
  {
    path: '/reviews',
    name: 'reviews',
    component: () => import('./views/ReviewsView.vue'),
    meta: { perm: 'case.review', title: '法制审核', menu: { group: 'oversight', order: 30 } },
  },
  {
    path: '/oversight/metrics',
    name: 'metrics',
    component: () => import('./views/MetricsView.vue'),
    meta: {
      perm: 'case.read',
      title: '平台应用考核',
      menu: { group: 'oversight', order: 40 },
      home: { desc: '执法记录仪、办案区视音频、财物入库等指标', order: 30, icon: DataLine },
    },
  },
  {
    path: '/oversight/rules',
    name: 'rules',
    component: () => import('./views/RuleConfigView.vue'),
    meta: { perm: 'rule.admin', title: '监管配置', menu: { group: 'oversight', order: 50 } },
  },
  {
    path: '/oversight/calendar',
    name: 'calendar',
    component: () => import('./views/CalendarView.vue'),
    meta: { perm: 'rule.admin', title: '节假日日历', menu: { group: 'oversight', order: 60 } },
  },
]
