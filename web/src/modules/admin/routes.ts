// The foundation's administrator pages (三员分立): accounts for the 系统管理员, security policy
// and unlocking for the 安全管理员, the audit log for the 审计管理员.
import type { RouteRecordRaw } from 'vue-router'
import { Document, Lock, Setting, User } from '@element-plus/icons-vue'
import type { MenuGroup } from '@/router/types'

export const menuGroups: MenuGroup[] = [{ key: 'security', title: '安全管理', order: 80, icon: Setting }]

export const routes: RouteRecordRaw[] = [
  {
    path: '/admin/users',
    name: 'users',
    component: () => import('./views/UsersView.vue'),
    meta: {
      perm: 'user.admin',
      title: '用户管理',
      menu: { order: 70, icon: User },
      home: { desc: '账号、角色与所属单位', order: 70, icon: User },
    },
  },
  {
    path: '/security/policy',
    name: 'security-policy',
    component: () => import('./views/SecurityPolicyView.vue'),
    meta: {
      perm: 'security.admin',
      title: '安全策略',
      menu: { group: 'security', order: 10 },
      home: { desc: '两步验证要求、登录锁定与密码规则', order: 80, icon: Setting },
    },
  },
  {
    path: '/security/unlock',
    name: 'unlock',
    component: () => import('./views/UnlockView.vue'),
    meta: {
      perm: 'security.admin',
      title: '账号解锁',
      menu: { group: 'security', order: 20 },
      home: { desc: '解除锁定，设置账号的两步验证要求', order: 90, icon: Lock },
    },
  },
  {
    path: '/audit',
    name: 'audit',
    component: () => import('./views/AuditView.vue'),
    meta: {
      perm: 'audit.read',
      title: '审计日志',
      menu: { order: 90, icon: Document },
      home: { desc: '全程留痕，校验哈希链', order: 100, icon: Document },
    },
  },
]
