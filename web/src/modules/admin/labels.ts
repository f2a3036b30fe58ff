// 中文 names in the audit log: objects, verbs, fields of a change, permissions.
import { formatTime } from '@/utils/format'
import { LEVEL_NAMES } from '@/modules/org/labels'

const OBJECT_NAMES: Record<string, string> = {
  unit: '单位',
  person: '人员',
  people: '人员',
  user: '账号',
  session: '会话',
  role: '角色',
  audit: '审计',
  auth: '登录认证',
  me: '本人账号',
  totp: '两步验证',
  setting: '系统设置',
  settings: '系统设置',
  import: '导入',
  export: '导出',
}

const VERB_NAMES: Record<string, string> = {
  create: '新增',
  update: '修改',
  delete: '删除',
  deactivate: '停用',
  read: '查看',
  read_pii: '查看个人信息',
  view_pii: '查看个人信息',
  pii_read: '查看个人信息',
  list: '查询',
  login: '登录',
  login_failed: '登录失败',
  logout: '退出',
  lock: '锁定',
  locked: '锁定',
  unlock: '解锁',
  import: '导入',
  import_check: '导入检查',
  import_commit: '导入',
  export: '导出',
  password: '修改密码',
  change_password: '修改密码',
  password_change: '修改密码',
  reset_password: '重置密码',
  password_reset: '重置密码',
  totp_setup: '生成两步验证密钥',
  totp_enable: '启用两步验证',
  totp_disable: '停用两步验证',
  verify: '校验',
}

export function objectTypeName(type: string | null | undefined): string {
  if (!type) return '—'
  return OBJECT_NAMES[type] ?? type
}

/** "unit.create" → "单位·新增"; unknown parts are shown as they are. */
export function actionName(action: string | null | undefined): string {
  if (!action) return '—'
  const parts = action.split('.')
  if (parts.length === 1) return VERB_NAMES[action] ?? OBJECT_NAMES[action] ?? action
  const verb = parts.slice(1).join('_')
  const obj = OBJECT_NAMES[parts[0]] ?? parts[0]
  const v = VERB_NAMES[verb] ?? VERB_NAMES[parts[parts.length - 1]] ?? parts.slice(1).join('.')
  return `${obj}·${v}`
}

export const AUDIT_OBJECT_TYPES = ['unit', 'person', 'user', 'session', 'role', 'audit']

export const PERMISSION_NAMES: Record<string, string> = {
  'org.read': '查看组织机构',
  'org.write': '维护组织机构',
  'people.read': '查看人员',
  'people.write': '维护人员',
  'people.pii': '查看身份证号和手机号',
  'user.admin': '管理账号',
  'security.admin': '安全管理',
  'audit.read': '查阅审计日志',
}

const FIELD_NAMES: Record<string, string> = {
  id: '编号',
  name: '名称',
  parent_id: '上级单位编号',
  level: '层级',
  category: '类别',
  code: '机构代码',
  path: '路径',
  badge_no: '警号',
  kind: '类别',
  unit_id: '所属单位编号',
  unit_name: '所属单位',
  position: '职务',
  is_legal_officer: '法制员',
  id_number: '身份证号',
  phone: '手机号',
  active: '启用',
  username: '用户名',
  display_name: '姓名',
  roles: '角色',
  role_names: '角色名称',
  person_id: '对应人员编号',
  totp_enabled: '已启用两步验证',
  totp_required: '要求两步验证',
  must_change_password: '须修改密码',
  locked_until: '锁定至',
  last_login_at: '最近登录',
  created_at: '创建时间',
  updated_at: '更新时间',
  admin_totp_required: '三员须启用两步验证',
}

export function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key
}

/** Codes inside audit details shown as words: level "team" → 科所队, times as Beijing time. */
export function fieldValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value
  if (key === 'level' && typeof value === 'string') return LEVEL_NAMES[value] ?? value
  if (key.endsWith('_at') || key === 'locked_until') return typeof value === 'number' && value > 0 ? formatTime(value) : value
  return value
}
