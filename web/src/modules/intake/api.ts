// 接报案大厅 API (src/intake/intake_routes.cpp, issue 13).
import { api, downloadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export const KIND_NAMES: Record<string, string> = { report: '报案', complaint: '投诉', consult: '咨询', help: '求助' }
export const FEEDBACK_METHODS: Record<string, string> = {
  phone: '电话',
  sms: '短信',
  in_person: '当面',
  letter: '书面',
}

export interface Ticket {
  id: number
  ticket_no: string
  kind: string
  kind_name: string
  case_type: string
  category: string
  summary: string
  occurred_at: number | null
  place: string
  desk_unit_name: string
  unit_id: number | null
  unit_name: string
  route_reason: string
  routed_at: number | null
  due_at: number | null
  deadline_basis: string
  status: string
  status_name: string
  overdue: boolean
  due_soon: boolean
  accepted: boolean | null
  outcome: string
  concluded_at: number | null
  feedback_method: string
  feedback_at: number | null
  satisfaction: number | null
  reopen_count: number
  receipt_at: number | null
  received_at: number
  clerk_name: string
}
export interface HistoryEntry {
  id: number
  at: number
  user_name: string
  action: string
  status_name: string
  note: string
}
export interface TicketDetail extends Ticket {
  reporter: { name: string; id_number: string; phone: string }
  subject_person_name: string
  duty_person_id: number | null
  duty_person_name: string
  accept_note: string
  feedback_text: string
  substantiated: boolean | null
  case_id: number | null
  order_id: number | null
  evidence: { id: number; description: string; files: { id: number; filename: string }[] }[]
  history: HistoryEntry[]
  query_code?: string
}
export interface TicketInput {
  kind: string
  case_type?: string
  category?: string
  reporter_name: string
  reporter_id_number?: string
  reporter_phone: string
  summary: string
  occurred_at?: string
  place?: string
  evidence?: string[]
  unit_id?: number
  route_reason?: string
  duty_person_id?: number
}

/** A person the caller may put on duty or name as 值班民警. */
export interface PersonOption {
  id: number
  name: string
  badge_no: string
  unit_name: string
}
/** One shift (班次) of the hall's 值班表. */
export interface DutyShift {
  id: number
  hall_unit_id: number
  name: string
  start_at: number
  end_at: number
  people: { person_id: number; name: string; badge_no: string; unit_name: string }[]
}
export interface DutyRoster {
  hall_unit_id: number
  hall_name: string
  from: number
  to: number
  shifts: DutyShift[]
}
export interface ShiftInput {
  hall_id?: number
  name: string
  start_at: number
  end_at: number
  person_ids: number[]
}
export interface PublicProgress {
  ticket_no: string
  kind_name: string
  status: string
  status_name: string
  unit_name: string
  accepted: boolean | null
  due_at: number | null
  outcome: string
  hall_phone: string
  steps: { step: string; name: string; at: number; note: string }[]
}

export interface IntakeStats {
  from: number
  to: number
  total: number
  by_kind: { kind: string; name: string; count: number }[]
  by_hour: number[]
  by_weekday: number[]
  by_unit: { unit_name: string; total: number; met: number; late: number }[]
  deadline: { met: number; late: number; pending: number }
  satisfaction: number[]
}

export const intakeApi = {
  stats: (q: Query) => api.get<IntakeStats>('/api/intake/stats', q),
  exportStats: (q: Query) => downloadFile('/api/intake/stats.xlsx', q, '接报案统计.xlsx'),
  list: (q: Query) => api.get<Paged<Ticket>>('/api/intake/tickets', q),
  get: (id: number) => api.get<TicketDetail>(`/api/intake/tickets/${id}`),
  register: (body: TicketInput) => api.post<TicketDetail>('/api/intake/tickets', body),
  reporter: (id: number) => api.get<{ name: string; id_number: string; phone: string }>(`/api/intake/tickets/${id}/reporter`),
  route: (id: number, unit_id: number, reason: string) =>
    api.post<TicketDetail>(`/api/intake/tickets/${id}/route`, { unit_id, reason }),
  decide: (id: number, accepted: boolean, note: string) =>
    api.post<TicketDetail>(`/api/intake/tickets/${id}/decision`, { accepted, note }),
  conclude: (id: number, outcome: string, substantiated?: boolean) =>
    api.post<TicketDetail>(`/api/intake/tickets/${id}/outcome`, { outcome, substantiated }),
  feedback: (id: number, body: { method: string; text: string; satisfaction?: number }) =>
    api.post<TicketDetail>(`/api/intake/tickets/${id}/feedback`, body),
  reopen: (id: number, reason: string) => api.post<TicketDetail>(`/api/intake/tickets/${id}/reopen`, { reason }),
  units: () => api.get<{ items: { id: number; name: string }[] }>('/api/intake/units'),
  roster: (q: Query) => api.get<DutyRoster>('/api/intake/duty', q),
  onDuty: () => api.get<{ at: number; shift: DutyShift | null; officer: PersonOption | null }>('/api/intake/duty/now'),
  addShift: (body: ShiftInput) => api.post<DutyShift>('/api/intake/duty/shifts', body),
  updateShift: (id: number, body: ShiftInput) => api.put<DutyShift>(`/api/intake/duty/shifts/${id}`, body),
  deleteShift: (id: number) => api.del(`/api/intake/duty/shifts/${id}`),
  copyWeek: (body: { hall_id?: number; from: string; to?: string }) =>
    api.post<{ copied: number }>('/api/intake/duty/copy-week', body),
  people: (q: string) => api.get<{ items: PersonOption[] }>('/api/intake/people', { q, limit: 30 }),
  lookup: (code: string, phone_last4: string) =>
    api.post<PublicProgress>('/api/public/intake/lookup', { code, phone_last4 }, { silent: true }),
}
