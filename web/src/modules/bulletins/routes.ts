// 执法通报 (issue 12): 执法质量通报 (monthly) and 执法规范化建设通报 (quarterly) — the list and archive,
// generating a draft, editing its narrative, approval by a 局领导, publication, DOCX and print.
import type { RouteRecordRaw } from 'vue-router'
import { Document } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'bulletin-group', title: '执法通报', order: 65, icon: Document }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/bulletins',
    name: 'bulletins',
    component: () => import('./views/BulletinsView.vue'),
    meta: {
      perm: 'bulletin.read',
      title: '通报列表',
      menu: { group: 'bulletin-group', order: 10 },
      home: { title: '执法通报', desc: '执法质量通报与执法规范化建设通报', order: 50, icon: Document },
    },
  },
  {
    path: '/bulletins/:id(\\d+)',
    name: 'bulletin',
    component: () => import('./views/BulletinView.vue'),
    meta: { perm: 'bulletin.read', title: '通报', activeMenu: 'bulletins' },
  },
]
