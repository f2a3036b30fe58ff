// Shapes every module shares: the signed-in user and a page of a list (docs/api-contract-draft.md).
// Each module's own shapes are in its api.ts. Times are UTC epoch seconds.

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
