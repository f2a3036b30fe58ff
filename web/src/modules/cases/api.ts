// Case file (一案一档) API: incidents, cases, persons, property, the event log, status moves and
// import (src/cases/case_routes.cpp, docs/cases.md). Times: UTC epoch seconds, with *_local text.
import { api, buildUrl, downloadFile, uploadFile } from '@/api/client'
import type { Paged } from '@/api/types'

/** 执法资格 on the day of 受案 (case page only; null for 辅警 or a bureau without a register). */
export interface OfficerQualification {
  status: 'valid' | 'none' | 'expired' | 'not_yet' | string
  status_name: string
  level: string
  level_name: string
  day: string
  obtained_on: string | null
  valid_until: string | null
  text: string
}

export interface OfficerRef {
  id: number
  name: string
  badge_no: string
  unit_name: string
  qualification?: OfficerQualification | null
}

export type CaseType = 'criminal' | 'administrative'
export type CaseAlertState = 'none' | 'pre_warn' | 'overdue' | 'violation'

export interface CaseSummary {
  id: number
  external_id: string
  case_type: CaseType
  case_type_name: string
  cause: string
  category: string
  title: string
  status: string
  status_name: string
  unit_id: number
  unit_name: string
  lead_officer: OfficerRef | null
  legal_officer: OfficerRef | null
  incident_id: number | null
  serious: boolean
  fast_track: boolean
  /** 涉案人数众多 (ADM-SUMMON-01: 12 h by law from 2026-01-01). */
  many_people: boolean
  alert_state: CaseAlertState | string
  accepted_at: number | null
  accepted_at_local: string | null
  closed_at: number | null
  closed_at_local: string | null
  /** The next moment a clock changes state (the sweep's wake-up time). */
  next_due_at: number | null
  next_due_at_local: string | null
  /** 最近期限: the earliest due time of the case's live clocks (计时中、预警、告警), past or not. */
  nearest_due_at: number | null
  nearest_due_at_local: string | null
  created_at: number
  updated_at: number
}

export interface CasePerson {
  id: number
  ref: string
  name: string
  role: string
  role_name: string
  age: number | null
  female: boolean
  pregnant: boolean
  nursing_infant: boolean
  identity_unknown: boolean
  id_number: string
  pii_masked: boolean
  created_at: number
}

export interface PropertyItem {
  id: number
  code: string
  name: string
  quantity: string
  status: string
  status_name: string
  created_at: number
  updated_at: number
}

export interface Incident {
  id: number
  unit_id: number
  unit_name: string
  external_id: string
  category: string
  summary: string
  address: string
  result: string
  body_camera: boolean
  officer: OfficerRef | null
  case_id: number | null
  case_external_id: string | null
  received_at: number | null
  received_at_local: string | null
}

export interface CaseTransition {
  to: string
  to_name: string
  name: string
  permission: string
  event: string
}

export interface CaseDetail extends CaseSummary {
  assist_officers: OfficerRef[]
  persons: CasePerson[]
  property: PropertyItem[]
  incident: Incident | null
  event_count: number
  actions: CaseTransition[]
}

export interface CaseEvent {
  id: number
  type: string
  type_name: string
  person: string | null
  person_name: string
  item: string | null
  attrs: Record<string, unknown>
  external_id: string | null
  source: string
  recorded_by: number | null
  recorded_by_name: string
  recorded_at: number
  at: number | null
  at_local: string | null
}

export interface IdName {
  id: string
  name: string
}

export interface CaseMeta {
  case_types: IdName[]
  statuses: Record<string, (IdName & { terminal: boolean })[]>
  transitions: (CaseTransition & { case_type: string; from: string })[]
  event_types: (IdName & { attrs: string[] })[]
  person_roles: IdName[]
  alert_states: IdName[]
  categories: string[]
}

export interface CaseImportReport {
  committed: boolean
  total_rows: number
  valid_rows: number
  created: number
  updated: number
  unchanged: number
  errors: { row: number; column: string; message: string }[]
  errors_truncated: boolean
  /** Remarks that refuse nothing: title rows skipped, columns ignored. */
  notes?: string[]
}

export interface ImportJob {
  id: string
  kind: string
  filename: string
  state: 'queued' | 'running' | 'done' | 'failed' | string
  processed: number
  total: number
  report: CaseImportReport | null
  error: string
  created_at: number
  finished_at: number | null
}

/** Case-list filters (the list and its export). '' and undefined mean "any". */
export type CaseFilter = {
  unit_id?: number
  /** A person id, or 'me' for the caller's own person. */
  officer_id?: number | 'me'
  legal_officer_id?: number | 'me'
  case_type?: string
  status?: string
  alert_state?: string
  category?: string
  /** Beijing calendar days YYYY-MM-DD. */
  accepted_from?: string
  accepted_to?: string
  /** 案件编号, 案由 or name. */
  q?: string
}

export type CaseQuery = CaseFilter & {
  sort?: string
  order?: string
  page?: number
  page_size?: number
}

/** What the import desk takes: 警情, 案件, 涉案人员, 办案事件. */
export type ImportKind = 'incidents' | 'cases' | 'persons' | 'events'

let metaPromise: Promise<CaseMeta> | null = null

/** The case vocabulary (statuses, event types with 中文 names, …), asked once per page load. */
export function caseMeta(): Promise<CaseMeta> {
  if (!metaPromise) {
    metaPromise = api.get<CaseMeta>('/api/cases/meta', undefined, { silent: true }).catch((e) => {
      metaPromise = null
      throw e
    })
  }
  return metaPromise
}

export const casesApi = {
  // total_capped: the server stopped counting (10,000; 1,000 over a 市局 or the 省厅) (total is then a lower bound).
  list: (query: CaseQuery) => api.get<Paged<CaseSummary> & { total_capped?: boolean }>('/api/cases', query),
  /** The list under the same filters as an XLSX download; answers the file name. */
  exportXlsx: (filter: CaseFilter) => downloadFile('/api/cases/export', { format: 'xlsx', ...filter }, '案件列表.xlsx'),
  /** 导出所选: the chosen cases with the export's columns. */
  exportSelected: (ids: number[]) =>
    downloadFile('/api/cases/export', { format: 'xlsx', ids: ids.join(',') }, '案件列表（所选）.xlsx'),
  get: (id: number) => api.get<CaseDetail>(`/api/cases/${id}`),
  /** 一案一档: the print page and the DOCX of the whole case file (both audited). */
  dossierUrl: (id: number) => buildUrl(`/api/cases/${id}/dossier/print`),
  dossierDocx: (id: number, caseNo: string) => downloadFile(`/api/cases/${id}/dossier/docx`, {}, `一案一档（${caseNo}）.docx`),
  events: (id: number) => api.get<{ items: CaseEvent[] }>(`/api/cases/${id}/events`),
  addEvent: (id: number, body: Record<string, unknown>) =>
    api.post<CaseEvent>(`/api/cases/${id}/events`, body, { silent: true }),
  /** Changes header fields of the case (PUT /api/cases/{id}); answers the case page. */
  update: (id: number, body: { many_people?: boolean; serious?: boolean; fast_track?: boolean }) =>
    api.put<CaseDetail>(`/api/cases/${id}`, body, { silent: true }),
  transition: (id: number, body: { to: string; at?: string; note?: string; event?: Record<string, unknown> }) =>
    api.post<CaseDetail>(`/api/cases/${id}/transition`, body, { silent: true }),
  /** Checks a file without writing anything: the row-by-row report. Upload progress 0–100. */
  importCheck: (kind: ImportKind, file: File, onProgress?: (percent: number) => void) =>
    uploadFile<CaseImportReport>(`/api/import/${kind}`, file, { mode: 'check' }, onProgress),
  /** Starts the import as a background job (or answers the report at once for a small file). */
  importStart: (kind: ImportKind, file: File, onProgress?: (percent: number) => void) =>
    uploadFile<ImportJob | CaseImportReport>(`/api/import/${kind}`, file, { mode: 'commit', async: 1 }, onProgress),
  importTemplate: (kind: ImportKind, format: 'csv' | 'xlsx') =>
    downloadFile(`/api/import/${kind}/template`, { format }, `导入模板_${kind}.${format}`),
  importJob: (id: string) => api.get<ImportJob>(`/api/import/jobs/${encodeURIComponent(id)}`, undefined, { silent: true }),
}
