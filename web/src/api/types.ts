// Shapes of the JSON the fazhi server answers (docs/api-contract-draft.md).
// Times are UTC epoch seconds.

export interface UnitRef {
  id: number
  name: string
  path: string
}

export interface Me {
  id: number
  username: string
  display_name: string
  roles: string[]
  role_names: string[]
  permissions: string[]
  unit: UnitRef | null
  person_id: number | null
  csrf_token: string
  must_change_password: boolean
  totp_enabled: boolean
  totp_required: boolean
}

export interface LoginResponse {
  user: Me
  csrf_token: string
}

export interface Paged<T> {
  items: T[]
  total: number
  page: number
  page_size: number
}

export type UnitLevel = 'city' | 'bureau' | 'team'

export interface Unit {
  id: number
  parent_id: number | null
  name: string
  level: UnitLevel
  category: string
  code: string
  path: string
  person_count: number
}

export type PersonKind = '民警' | '辅警'

export interface Person {
  id: number
  name: string
  badge_no: string
  kind: PersonKind
  unit_id: number
  unit_name: string
  position: string
  is_legal_officer: boolean
  id_number: string
  phone: string
  pii_masked?: boolean
  active: boolean
}

export interface ImportError {
  row: number
  column: string
  message: string
}

export interface ImportReport {
  committed: boolean
  total_rows: number
  valid_rows: number
  imported: number
  created?: number
  updated?: number
  unchanged?: number
  errors: ImportError[]
  errors_truncated?: boolean
}

export interface Role {
  code: string
  name: string
  permissions: string[]
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
}

export interface AuditEntry {
  id: number
  at: number
  user_id: number | null
  username: string
  action: string
  object_type: string
  object_id: string | number | null
  summary: string
  detail: unknown
  ip: string
  request_id: string
}

export interface AuditVerify {
  ok: boolean
  rows: number
  first_bad_id: number | null
  message: string
}

export interface Health {
  status: string
  version: string
  backend: string
}

export interface SecurityPolicy {
  admin_totp_required: boolean
  max_failed_logins: number
  lockout_minutes: number
  session_idle_minutes: number
  password_rule: string
}
