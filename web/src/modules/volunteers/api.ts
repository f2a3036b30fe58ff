// 平安志愿者 API (src/volunteers/volunteers_routes.cpp, issue 15 item 6): the coordinator's routes
// (/api/volunteers…, /api/volunteer-…) and the volunteer's own (/api/volunteer/…).
import { api, downloadFile, uploadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export interface Volunteer {
  id: number
  unit_id: number
  unit_name: string
  team_id: number | null
  team_name: string
  name: string
  gender: string
  id_number: string
  phone: string
  skills: string
  status: string
  status_name: string
  vet_reason: string
  username: string
  registered_at: number
  balance: number
  trained: boolean
  insured: boolean
}
export interface Place {
  name: string
  lat: number
  lon: number
}
export interface Task {
  id: number
  unit_id: number
  unit_name: string
  title: string
  content: string
  area_name: string
  area: { lat: number; lon: number; radius_m: number } | null
  route: Place[]
  start_at: number
  end_at: number
  points: number
  capacity: number
  min_stay_minutes: number
  mode: string
  joined: number
}
export interface Flag {
  code: string
  name: string
}
export interface Assignment {
  id: number
  task_id: number
  task_title: string
  task_start: number
  task_end: number
  task_points: number
  volunteer_id: number
  volunteer_name: string
  unit_name: string
  how: string
  state: string
  state_name: string
  checkin_at: number | null
  checkout_at: number | null
  flags: Flag[]
  flag_notes: string
  review_note: string
}
export interface Clue {
  id: number
  volunteer_name: string
  task_id: number | null
  task_title: string
  text: string
  position: { lat: number; lon: number } | null
  status: string
  status_name: string
  review_note: string
  points: number
  created_at: number
  photo_ids: number[]
}
export interface LedgerEntry {
  id: number
  volunteer_id: number
  volunteer_name: string
  points: number
  source: string
  source_name: string
  approver_name: string
  reason: string
  day: string
  at: number
}
export interface Reward {
  id: number
  name: string
  cost: number
  stock: number
  active: boolean
}
export interface Team {
  id: number
  unit_id: number
  unit_name: string
  name: string
  members: number
}
export interface Star {
  volunteer_id: number
  name: string
  unit_name: string
  team_name: string
  points: number
  tasks: number
  clues: number
  score: number
  star: boolean
  reasons: string
}
export interface MyPage {
  volunteer: Volunteer
  assignments: Assignment[]
  open_tasks: Task[]
  clues: Clue[]
  ledger: LedgerEntry[]
  rewards: Reward[]
}

export const volunteersApi = {
  list: (q: Query) => api.get<Paged<Volunteer>>('/api/volunteers', q),
  exportXlsx: (q: Query) => downloadFile('/api/volunteers/export.xlsx', q, '志愿者名册.xlsx'),
  register: (body: unknown) => api.post<Volunteer>('/api/volunteers', body),
  vet: (id: number, body: { approve: boolean; reason?: string; initial_password?: string }) =>
    api.post<Volunteer>(`/api/volunteers/${id}/vetting`, body),
  teams: () => api.get<{ items: Team[] }>('/api/volunteer-teams'),
  tasks: (q: Query) => api.get<Paged<Task>>('/api/volunteer-tasks', q),
  createTask: (body: unknown) => api.post<Task>('/api/volunteer-tasks', body),
  attendance: (q: Query) => api.get<Paged<Assignment>>('/api/volunteer-attendance', q),
  reviewAttendance: (id: number, accept: boolean, note: string) =>
    api.post<Assignment>(`/api/volunteer-attendance/${id}/review`, { accept, note }),
  clues: (q: Query) => api.get<Paged<Clue>>('/api/volunteer-clues', q),
  reviewClue: (id: number, body: { accept: boolean; points?: number; note?: string }) =>
    api.post<Clue>(`/api/volunteer-clues/${id}/review`, body),
  ledger: (q: Query) => api.get<Paged<LedgerEntry>>('/api/volunteer-points', q),
  award: (body: unknown) => api.post<LedgerEntry>('/api/volunteer-points', body),
  rewards: () => api.get<{ items: Reward[] }>('/api/volunteer-rewards'),
  createReward: (body: unknown) => api.post<Reward>('/api/volunteer-rewards', body),
  stars: (month: string) =>
    api.get<{ month: string; criteria: string; items: Star[] }>(`/api/volunteer-stars/${month}`),
  fileUrl: (id: number) => `/api/volunteer-files/${id}`,
  // the volunteer's own page
  me: () => api.get<MyPage>('/api/volunteer/me'),
  join: (task: number) => api.post<Assignment>(`/api/volunteer/tasks/${task}/join`, {}),
  checkin: (task: number, pos: { lat: number; lon: number; accuracy_m?: number }) =>
    api.post<Assignment>(`/api/volunteer/tasks/${task}/checkin`, pos),
  checkout: (task: number, pos: { lat: number; lon: number }) =>
    api.post<Assignment>(`/api/volunteer/tasks/${task}/checkout`, pos),
  reportClue: (body: { task_id?: number; text: string; lat?: number; lon?: number }) =>
    api.post<Clue>('/api/volunteer/clues', body),
  cluePhoto: (id: number, file: File) => uploadFile<Clue>(`/api/volunteer/clues/${id}/photo`, file, {}),
  redeem: (reward_id: number) =>
    api.post<{ reward_name: string; balance: number }>('/api/volunteer/redeem', { reward_id }),
}
