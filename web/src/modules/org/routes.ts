// 组织机构: units and people.
import type { RouteRecordRaw } from 'vue-router'
import { OfficeBuilding, UserFilled } from '@element-plus/icons-vue'

export const routes: RouteRecordRaw[] = [
  {
    path: '/org/units',
    name: 'units',
    component: () => import('./views/UnitsView.vue'),
    meta: {
      perm: 'org.read',
      title: '组织机构',
      menu: { order: 20, icon: OfficeBuilding },
      home: { desc: '查看和维护单位层级', order: 50, icon: OfficeBuilding },
    },
  },
  {
    path: '/org/people',
    name: 'people',
    component: () => import('./views/PeopleView.vue'),
    meta: {
      perm: 'people.read',
      title: '人员管理',
      menu: { order: 30, icon: UserFilled },
      home: { desc: '民警、辅警名册，批量导入导出', order: 60, icon: UserFilled },
    },
  },
]
