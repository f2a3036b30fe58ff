// 优劣质案件评定 API (src/evaluation/evaluation_routes.cpp, issue 14 item 6).
import { api, downloadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export const GRADE_TAGS: Record<string, 'success' | 'info' | 'danger'> = { good: 'success', pass: 'info', poor: 'danger' }

export interface RubricItem {
  id?: number
  title: string
  description: string
  weight: number
}
export interface Rubric {
  id: number
  family_id: number
  version: number
  name: string
  note: string
  total: number
  current: boolean
  created_at: number
  items: RubricItem[]
}
export interface RubricInput {
  name: string
  note: string
  items: RubricItem[]
}
export interface PanelMember {
  user_id: number
  name: string
}
export interface Round {
  id: number
  name: string
  unit_name: string
  rubric_id: number
  good_min: number
  poor_below: number
  status: string
  status_name: string
  seed: number | null
  selection: { mode: string; candidates: number; count: number; added: number; seed?: number }[]
  closed_at: number | null
  created_at: number
  material_id: number | null
  cases: number
  panel: PanelMember[]
  member: boolean
}
export interface RoundCase {
  id: number
  case_id: number
  external_id: string
  title: string
  case_type: string
  category: string
  unit_name: string
  closed_at: number | null
  score: number | null
  marked_by: number
  grade: string
  grade_name: string
  my_marks: number
}
export interface RoundDetail extends Round {
  rubric: Rubric
  case_list: RoundCase[]
}
export interface Mark {
  item_id: number
  mark: number
  comment: string
}
export interface Sheet {
  round: Round
  rubric: Rubric
  case: RoundCase
  sheets: { user_id: number; name: string; total: number; comment: string; marks: Mark[] }[]
}
export interface SelectionInput {
  mode: 'rule' | 'random'
  closed_from: string
  closed_to: string
  case_type?: string
  category?: string
  count?: number
  seed?: number
}
export interface TeachingCase {
  id: number
  round_name: string
  grade: string
  grade_name: string
  title: string
  case_type: string
  category: string
  comments: string
  score: number
  closed_at: number
}

export const evaluationApi = {
  rubrics: (all = false) => api.get<{ items: Rubric[] }>('/api/evaluation/rubrics', { all: all ? 'true' : undefined }),
  createRubric: (body: RubricInput) => api.post<Rubric>('/api/evaluation/rubrics', body),
  reviseRubric: (id: number, body: RubricInput) => api.post<Rubric>(`/api/evaluation/rubrics/${id}/versions`, body),
  candidates: () => api.get<{ items: PanelMember[] }>('/api/evaluation/panel-candidates'),
  rounds: (q: Query) => api.get<Paged<Round>>('/api/evaluation/rounds', q),
  round: (id: number) => api.get<RoundDetail>(`/api/evaluation/rounds/${id}`),
  createRound: (body: { name: string; rubric_id: number; good_min: number; poor_below: number; panel: number[] }) =>
    api.post<RoundDetail>('/api/evaluation/rounds', body),
  select: (id: number, body: SelectionInput) => api.post<RoundDetail>(`/api/evaluation/rounds/${id}/select`, body),
  close: (id: number) => api.post<RoundDetail>(`/api/evaluation/rounds/${id}/close`, {}),
  publish: (id: number) =>
    api.post<{ material_id: number; series: string; issue_no: number; title: string; cases: number }>(
      `/api/evaluation/rounds/${id}/publish`,
      {},
    ),
  exportResults: (id: number, name: string) =>
    downloadFile(`/api/evaluation/rounds/${id}/results.xlsx`, {}, `${name}-评定结果.xlsx`),
  sheet: (id: number) => api.get<Sheet>(`/api/evaluation/cases/${id}`),
  saveMarks: (id: number, body: { marks: Mark[]; comment: string }) => api.put<Sheet>(`/api/evaluation/cases/${id}/marks`, body),
  teaching: (q: Query) => api.get<Paged<TeachingCase>>('/api/evaluation/teaching', q),
}
