// The administrators' API (src/auth/, src/audit/; docs/api-contract-draft.md): accounts and roles
// (系统管理员), the security policy, unlocking and two-factor requirements (安全管理员), the
// audit log and its hash-chain check (审计管理员).
import { api, downloadFile } from '@/api/client'
import type { Paged } from '@/api/types'

export interface Role {
  code: string
  name: string
  permissions: string[]
  /** One of the three administrator roles (三员: 系统/安全/审计管理员). */
  separated_admin?: boolean
}

export interface UserAccount {
  id: number
  username: string
  display_name: string
  roles: string[]
  role_names?: string[]
  unit_id: number | null
  unit_name: string
  must_change_password?: boolean
  active: boolean
  locked_until: number | null
  totp_enabled: boolean
  totp_required: boolean
  last_login_at: number | null
  /** The person record (人员档案) the account is linked to: its 我的案件 and points. */
  person_id?: number | null
  person_name?: string
}

export interface AuditEntry {
  id: number
  at: number
  user_id: number | null
  username: string
  action: string
  /** 中文 name of the action (server label table, src/audit/audit_labels.cpp). */
  action_name: string
  object_type: string
  object_type_name: string
  /** What a person reads for the object: 案件 <案件编号>, 人员 <姓名>, 账号 <姓名（登录名）>, 督办 #3. */
  object_name: string
  object_id: string | number | null
  summary: string
  detail: unknown
  ip: string
  request_id: string
}

export interface AuditFacet {
  code: string
  name: string
  count: number
}

/** Every action and object type the audit trail holds (in the caller's scope), with 中文 names. */
export interface AuditFacets {
  actions: AuditFacet[]
  object_types: AuditFacet[]
}

export interface AuditVerify {
  ok: boolean
  rows: number
  first_bad_id: number | null
  message: string
}

export interface SecurityPolicy {
  admin_totp_required: boolean
  max_failed_logins: number
  lockout_minutes: number
  session_idle_minutes: number
  password_rule: string
}

export type UsersQuery = {
  /** User name or display name. */
  q?: string
  /** '1': only the accounts locked now. */
  locked?: '1'
  page?: number
  page_size?: number
}

export interface UserCreate {
  username: string
  display_name: string
  password: string
  roles: string[]
  unit_id: number | null
  person_id?: number | null
}

/** What may change; roles and active not on one's own account, totp_required by the 安全管理员 only. */
export interface UserUpdate {
  display_name?: string
  unit_id?: number | null
  roles?: string[]
  active?: boolean
  totp_required?: boolean
  /** A person id links the account; null unlinks it. */
  person_id?: number | null
}

export type AuditQuery = {
  /** User name. */
  user?: string
  object_type?: string
  object_id?: string
  /** An action code such as unit.create. */
  action?: string
  /** Beijing calendar days YYYY-MM-DD; `to` is the whole of that day. */
  from?: string
  to?: string
  page?: number
  page_size?: number
}

export const adminApi = {
  users: (query: UsersQuery) => api.get<Paged<UserAccount>>('/api/users', query),
  createUser: (body: UserCreate) => api.post<UserAccount>('/api/users', body),
  updateUser: (id: number, body: UserUpdate) => api.put<UserAccount>(`/api/users/${id}`, body),
  resetPassword: (id: number, newPassword: string) =>
    api.post(`/api/users/${id}/reset-password`, { new_password: newPassword }),
  unlockUser: (id: number) => api.post(`/api/users/${id}/unlock`, {}),
  roles: () => api.get<{ items: Role[] }>('/api/roles'),

  securityPolicy: () => api.get<SecurityPolicy>('/api/security/policy'),
  updateSecurityPolicy: (body: Partial<Pick<SecurityPolicy, 'admin_totp_required'>>) =>
    api.put<SecurityPolicy>('/api/security/policy', body),

  audit: (query: AuditQuery) => api.get<Paged<AuditEntry>>('/api/audit', query),
  verifyAudit: () => api.get<AuditVerify>('/api/audit/verify'),
  auditFacets: () => api.get<AuditFacets>('/api/audit/facets'),
  exportAudit: (query: AuditQuery) => downloadFile('/api/audit/export', query, '审计日志.xlsx'),
}
