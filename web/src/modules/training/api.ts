// 学法用法 API (src/training/training_routes.cpp, issue 14).
import { api, downloadFile, postForm, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export const KIND_NAMES: Record<string, string> = {
  weekly: '法制每周一学',
  night_school: '法制夜校',
  lecture: '行政执法大讲堂',
  liaison: '法制员例会',
  joint: '联合培训',
  center_group: '党委中心组学法',
  pre_meeting: '会前学法',
}
export const FORMAT_NAMES: Record<string, string> = { case_study: '以案说法', fix_errors: '挑错改错', qa: '现场答疑' }

export interface Session {
  id: number
  unit_id: number
  unit_name: string
  kind: string
  kind_name: string
  topic: string
  start_at: number
  end_at: number
  place: string
  online_url: string
  speaker_kind: string
  speaker_person_id: number | null
  speaker_name: string
  speaker_title: string
  format: string
  format_name: string
  minutes: string
  targets: { id: number; name: string }[]
  attended: number
  expected: number
}
export interface SessionDetail extends Session {
  files: { id: number; role: string; filename: string; content_type: string; size: number }[]
  can_manage: boolean
}
export interface SessionInput {
  unit_id?: number
  kind: string
  topic: string
  start_at: string | number
  end_at: string | number
  place?: string
  online_url?: string
  speaker_kind?: string
  speaker_person_id?: number | null
  speaker_name?: string
  speaker_title?: string
  format?: string
  minutes?: string
  target_unit_ids?: number[]
}
export interface RosterLine {
  person_id: number
  name: string
  badge_no: string
  unit_id: number
  unit_name: string
  attended: boolean
  method: string
  checked_at: number | null
}
export interface Attendance {
  lines: RosterLine[]
  units: { unit_id: number; unit_name: string; attended: number; expected: number }[]
  attended: number
  expected: number
}
export interface Qr {
  token: string
  url: string
  expires_at: number
  open: boolean
  png: string
}
export interface CheckinResult {
  session_id: number
  topic: string
  kind_name: string
  checked_at: number
  already: boolean
}
export interface PlanItem {
  id: number
  unit_id: number
  unit_name: string
  month: string
  kind: string
  kind_name: string
  topic: string
  session_id: number | null
  session_topic: string
  session_at: number | null
  state: 'done' | 'pending' | 'missed'
}
export interface Material {
  id: number
  series: string
  issue_no: number
  title: string
  version: number
  published_at: number
  updated_at: number
  excerpt?: string
  body?: string
}
export interface MaterialDetail extends Material {
  body: string
  versions: { version: number; title: string; body: string; note: string; author: string; created_at: number }[]
  subscribed: boolean
}
export interface LawReport {
  id: number
  unit_name: string
  year: number
  person_name: string
  form: string
  form_name: string
  title: string
  summary: string
  held_at: number
  ratings: number
  average: number
  my_score: number | null
}
export interface CourtRecord {
  id: number
  unit_name: string
  kind: string
  kind_name: string
  case_name: string
  court: string
  held_at: number
  attendees: string
  head_appeared: boolean
  lessons: string
}
export interface Overview {
  year: number
  kinds: { kind: string; name: string; count: number; months: number[] }[]
  attendance: { unit_id: number; unit_name: string; attended: number; expected: number }[]
  law_reports: number
  appearances: number
  head_appearances: number
  hearings: number
  plan_items: number
  plan_done: number
  plan_missed: number
  materials: number
}

export const trainingApi = {
  sessions: (q: Query) => api.get<Paged<Session>>('/api/training/sessions', q),
  exportSessions: (q: Query) => downloadFile('/api/training/sessions.xlsx', q, '培训记录.xlsx'),
  session: (id: number) => api.get<SessionDetail>(`/api/training/sessions/${id}`),
  create: (body: SessionInput) => api.post<SessionDetail>('/api/training/sessions', body),
  update: (id: number, body: SessionInput) => api.put<SessionDetail>(`/api/training/sessions/${id}`, body),
  upload: (id: number, form: FormData) => postForm<{ items: SessionDetail['files'] }>(`/api/training/sessions/${id}/files`, form),
  attendance: (id: number) => api.get<Attendance>(`/api/training/sessions/${id}/attendance`),
  roster: (id: number, person_ids: number[]) => api.put<Attendance>(`/api/training/sessions/${id}/attendance`, { person_ids }),
  qr: (id: number) => api.get<Qr>(`/api/training/sessions/${id}/qr`),
  checkin: (token: string) => api.post<CheckinResult>('/api/training/checkin', { token }, { silent: true }),
  plans: (q: Query) => api.get<{ items: PlanItem[]; from: string; to: string }>('/api/training/plans', q),
  addPlan: (body: { unit_id: number; month: string; kind: string; topic: string }) =>
    api.post<PlanItem>('/api/training/plans', body),
  linkPlan: (id: number, session_id: number | null) =>
    api.put<PlanItem>(`/api/training/plans/${id}/session`, session_id ? { session_id } : {}),
  materials: (q: Query) => api.get<Paged<Material>>('/api/training/materials', q),
  material: (id: number) => api.get<MaterialDetail>(`/api/training/materials/${id}`),
  addMaterial: (body: { series: string; issue_no: number; title: string; body: string }) =>
    api.post<MaterialDetail>('/api/training/materials', body),
  reviseMaterial: (id: number, body: { title: string; body: string; note: string }) =>
    api.put<MaterialDetail>(`/api/training/materials/${id}`, body),
  subscribe: (on: boolean) => api.put<{ subscribed: boolean }>('/api/training/subscription', { on }),
  lawReports: (year: number) => api.get<{ items: LawReport[]; scale: number[] }>('/api/training/law-reports', { year }),
  rate: (id: number, score: number) => api.post<LawReport>(`/api/training/law-reports/${id}/ratings`, { score }),
  court: (year: number) =>
    api.get<{ items: CourtRecord[]; appearances: number; head_appearances: number }>('/api/training/court-records', { year }),
  overview: (year: number) => api.get<Overview>('/api/training/overview', { year }),
  exportOverview: (year: number) => downloadFile('/api/training/overview.xlsx', { year }, `${year} 年学法用法统计.xlsx`),
  units: () => api.get<{ items: { id: number; name: string }[] }>('/api/training/units'),
}

export function rate(n: number, of: number): string {
  return of > 0 ? `${((n * 100) / of).toFixed(1)}%` : '—'
}
