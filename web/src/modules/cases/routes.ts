// 案件管理 (issue 3): the case list, one case's file (一案一档) and the import desk.
import type { RouteRecordRaw } from 'vue-router'
import { Folder } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'cases-menu', title: '案件管理', order: 40, icon: Folder }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/cases',
    name: 'cases',
    component: () => import('./views/CaseListView.vue'),
    meta: {
      perm: 'case.read',
      title: '案件列表',
      menu: { group: 'cases-menu', order: 10 },
      home: { title: '案件管理', desc: '一案一档：时间轴、监管计时、审核与督办', order: 10, icon: Folder },
    },
  },
  {
    path: '/cases/import',
    name: 'case-import',
    component: () => import('./views/CaseImportView.vue'),
    meta: { perm: 'case.write', title: '数据导入', menu: { group: 'cases-menu', order: 20 } },
  },
  {
    path: '/cases/:id(\\d+)',
    name: 'case',
    component: () => import('./views/CaseDetailView.vue'),
    meta: { perm: 'case.read', title: '案件详情' },
  },
]
