// 中文 names in the audit log: fields of a change, permissions. Actions and object types are named
// by the server (GET /api/audit rows and /api/audit/facets; src/audit/audit_labels.cpp).
import { formatTime } from '@/utils/format'
import { LEVEL_NAMES } from '@/modules/org/labels'

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
