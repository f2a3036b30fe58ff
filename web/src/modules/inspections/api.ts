// 三级执法巡查 API (src/inspections/inspections_routes.cpp, docs/inspections.md).
import { api, downloadFile, uploadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export const DOMAIN_NAMES: Record<string, string> = {
  incident: '接处警',
  filing: '受立案',
  property: '涉案财物管理',
  area: '办案场所使用',
}
export const LEVEL_NAMES: Record<string, string> = {
  city_bureau: '市巡分县局',
  bureau_team: '分县局巡基层科所队',
  team_officer: '基层科所队巡办案民警',
}

export interface ChecklistItem {
  key: string
  text: string
  method: string
  weight: number
}
export interface Checklist {
  id: number
  domain: string
  domain_name: string
  version: number
  items: ChecklistItem[]
  created_by_name: string
  created_at: number
}
export interface Plan {
  id: number
  unit_id: number
  unit_name: string
  level: string
  level_name: string
  name: string
  domains: string[]
  cadence_days: number
  sample_size: number
  due_days: number
  active: boolean
  created_at: number
}
export interface Task {
  id: number
  plan_id: number
  plan_name: string
  level: string
  level_name: string
  inspector_unit_name: string
  target_unit_id: number
  target_unit_name: string
  target_person_id: number | null
  target_person_name: string
  domains: string[]
  period_start: number
  due_at: number
  status: 'open' | 'done'
  overdue: boolean
  completed_at: number | null
  completed_by_name: string
  findings: number
}
export interface Sample {
  id: number
  domain: string
  record_kind: string
  record_id: number
  label: string
  seq: number
}
export interface ResultFile {
  id: number
  filename: string
  content_type: string
  size: number
}
export interface ItemResult {
  id: number
  domain: string
  item_key: string
  passed: boolean
  note: string
  sample_id: number | null
  video_ref: string
  files: ResultFile[]
}
export interface TaskDetail extends Task {
  seed: string
  sample_from: number
  sample_to: number
  samples: Sample[]
  empty_notes: string[]
  checklists: Checklist[]
  results: ItemResult[]
}
export interface ResultInput {
  domain: string
  item_key: string
  passed: boolean
  note?: string
  sample_id?: number | null
  video_ref?: string
}
export interface Finding {
  id: number
  task_id: number
  unit_name: string
  person_name: string
  level_name: string
  domain_name: string
  item_text: string
  weight: number
  record_label: string
  note: string
  order_id: number | null
  order_status: string
  deadline: number
  closed_at: number | null
  on_time: boolean | null
  created_at: number
  /** 复查: how many, and the latest one's time and verdict. */
  rechecks: number
  last_recheck_at: number | null
  last_recheck_passed: boolean | null
}
export interface Recheck {
  id: number
  passed: boolean
  note: string
  new_deadline: number | null
  checked_by_name: string
  checked_at: number
}
export interface FindingDetail extends Finding {
  recheck_history: Recheck[]
}
export interface RollupRow {
  key: string
  name: string
  tasks: number
  done: number
  done_on_time: number
  findings: number
  closed: number
  closed_on_time: number
}
export interface Rollup {
  unit_id: number
  unit_name: string
  row_kind: 'bureaus' | 'units' | 'officers'
  total: RollupRow
  rows: RollupRow[]
  items: { domain: string; domain_name: string; item_text: string; findings: number }[]
  weeks: { week: string; tasks: number; done: number; findings: number }[]
}

export const inspectionsApi = {
  checklists: () => api.get<{ items: Checklist[] }>('/api/inspections/checklists'),
  saveChecklist: (domain: string, items: Partial<ChecklistItem>[]) =>
    api.put<Checklist>(`/api/inspections/checklists/${domain}`, { items }),
  plans: (q: Query) => api.get<Paged<Plan>>('/api/inspections/plans', q),
  createPlan: (body: { unit_id: number; level: string; domains: string[]; name?: string; cadence_days?: number; sample_size?: number; due_days?: number }) =>
    api.post<Plan>('/api/inspections/plans', body),
  generate: (planId: number) => api.post<{ created: number; items: Task[] }>(`/api/inspections/plans/${planId}/generate`, {}),
  tasks: (q: Query) => api.get<Paged<Task>>('/api/inspections/tasks', q),
  task: (id: number) => api.get<TaskDetail>(`/api/inspections/tasks/${id}`),
  judge: (id: number, results: ResultInput[], submit: boolean) =>
    api.put<TaskDetail>(`/api/inspections/tasks/${id}/results`, { results, submit }),
  upload: (taskId: number, resultId: number, file: File) =>
    uploadFile<{ items: ResultFile[] }>(`/api/inspections/tasks/${taskId}/results/${resultId}/files`, file, {}),
  downloadFile: (f: ResultFile) => downloadFile(`/api/inspections/files/${f.id}`, {}, f.filename),
  findings: (q: Query) => api.get<Paged<Finding>>('/api/inspections/findings', q),
  finding: (id: number) => api.get<FindingDetail>(`/api/inspections/findings/${id}`),
  recheck: (id: number, body: { passed: boolean; note: string; deadline?: string }) =>
    api.post<FindingDetail>(`/api/inspections/findings/${id}/recheck`, body),
  rollup: (q: Query) => api.get<Rollup>('/api/inspections/rollup', q),
  exportRollup: (q: Query) => downloadFile('/api/inspections/rollup.xlsx', q, '执法巡查汇总.xlsx'),
}
