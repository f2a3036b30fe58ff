// 组织机构 API: units and people, the roster import and export (src/org/org_routes.cpp,
// docs/api-contract-draft.md). The cached unit list every page's tree-select uses is in units.ts.
import { api, downloadFile, uploadFile } from '@/api/client'
import type { Paged } from '@/api/types'

export type UnitLevel = 'city' | 'bureau' | 'team'

export interface Unit {
  id: number
  parent_id: number | null
  name: string
  /** 简称 (刑侦大队); '' when the unit has none. */
  short_name: string
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
  /** Remarks that refuse nothing: title rows skipped, columns ignored. */
  notes?: string[]
}

export interface UnitInput {
  parent_id: number
  name: string
  short_name: string
  level: UnitLevel
  category: string
  code: string
}

export type UnitUpdate = Pick<UnitInput, 'name' | 'short_name' | 'category' | 'code'>

/** Roster filters (the list and its export). '' and undefined mean "any". */
export type PeopleFilter = {
  unit_id?: number
  /** Name or 警号. */
  q?: string
  kind?: string
  /** '1' legal officers only, '0' others only. */
  legal_officer?: string
  /** '1' in service (the default), '0' deactivated, 'all'. */
  active?: string
}

export type PeopleQuery = PeopleFilter & {
  sort?: string
  order?: string
  page?: number
  page_size?: number
}

export interface PersonInput {
  name: string
  badge_no: string
  kind: PersonKind
  unit_id: number | null
  position: string
  is_legal_officer: boolean
  /** Sent only when typed (a masked value is never sent back). */
  id_number?: string
  phone?: string
  active?: boolean
}

export const orgApi = {
  units: () => api.get<{ items: Unit[] }>('/api/units'),
  createUnit: (body: UnitInput) => api.post<Unit>('/api/units', body),
  updateUnit: (id: number, body: UnitUpdate) => api.put<Unit>(`/api/units/${id}`, body),
  deleteUnit: (id: number) => api.del(`/api/units/${id}`),

  people: (query: PeopleQuery) => api.get<Paged<Person>>('/api/people', { ...query }),
  /** Lookup for a person picker: in-service people by name or 警号; errors stay quiet. */
  findPeople: (q: string, legalOnly = false) =>
    api.get<Paged<Person>>(
      '/api/people',
      { q: q.trim(), page_size: 30, active: '1', legal_officer: legalOnly ? '1' : undefined },
      { silent: true },
    ),
  createPerson: (body: PersonInput) => api.post<Person>('/api/people', body),
  updatePerson: (id: number, body: PersonInput) => api.put<Person>(`/api/people/${id}`, body),
  /** 停用: the record stays, out of the in-service roster. */
  deactivatePerson: (id: number) => api.del(`/api/people/${id}`),
  /** The roster under the same filters as an XLSX download; answers the file name. */
  exportPeople: (filter: PeopleFilter) => downloadFile('/api/people/export', { format: 'xlsx', ...filter }, '人员名册.xlsx'),
  /** Checks (mode 'check') or imports (mode 'commit') a roster file; upload progress 0–100. */
  importPeople: (file: File, mode: 'check' | 'commit', skipInvalid: boolean, onProgress?: (percent: number) => void) =>
    uploadFile<ImportReport>(
      '/api/people/import',
      file,
      { mode, skip_invalid: mode === 'commit' && skipInvalid ? 1 : undefined },
      onProgress,
    ),
  importTemplate: (format: 'csv' | 'xlsx') =>
    downloadFile('/api/people/import/template', { format }, `人员导入模板.${format}`),
}
