// 五化巡防 (issue 15): the offline map of 巡区 and 必到点 (GeoJSON import, check-in), the check-in log with
// its anomaly flags, response times per unit and shift with 模拟测警, hotspots with the weekly patrol
// suggestion, and the 巡防+ registers (矛盾纠纷, 安全隐患) with XLSX export.
import type { RouteRecordRaw } from 'vue-router'
import { Location } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'patrol-group', title: '五化巡防', order: 66, icon: Location }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/patrol/map',
    name: 'patrol-map',
    component: () => import('./views/MapView.vue'),
    meta: {
      perm: 'patrol.read',
      title: '巡区地图',
      menu: { group: 'patrol-group', order: 10 },
      home: { title: '五化巡防', desc: '巡区必到点、巡防日志、接处警时效、热点布警、巡防+台账', order: 50, icon: Location },
    },
  },
  {
    path: '/patrol/checkins',
    name: 'patrol-checkins',
    component: () => import('./views/CheckinsView.vue'),
    meta: { perm: 'patrol.read', title: '签到与巡防日志', menu: { group: 'patrol-group', order: 20 } },
  },
  {
    path: '/patrol/teams',
    name: 'patrol-teams',
    component: () => import('./views/TeamsView.vue'),
    meta: { perm: 'patrol.read', title: '巡组与班次', menu: { group: 'patrol-group', order: 15 } },
  },
  {
    path: '/patrol/calls',
    name: 'patrol-calls',
    component: () => import('./views/CallsView.vue'),
    meta: { perm: 'patrol.do', title: '警情接处（七环节计时）', menu: { group: 'patrol-group', order: 25 } },
  },
  {
    path: '/patrol/response',
    name: 'patrol-response',
    component: () => import('./views/ResponseView.vue'),
    meta: { perm: 'patrol.read', title: '接处警时效与模拟测警', menu: { group: 'patrol-group', order: 30 } },
  },
  {
    path: '/patrol/hotspots',
    name: 'patrol-hotspots',
    component: () => import('./views/HotspotsView.vue'),
    meta: { perm: 'patrol.read', title: '警情热点与布警建议', menu: { group: 'patrol-group', order: 40 } },
  },
  {
    path: '/patrol/disputes',
    name: 'patrol-disputes',
    component: () => import('./views/RegistersView.vue'),
    meta: { perm: 'patrol.read', title: '矛盾纠纷与安全隐患', menu: { group: 'patrol-group', order: 50 } },
  },
]
