// 考试与执法资格 API (src/exams/exams_routes.cpp, issue 14 items 2 and 3).
import { api, downloadFile, uploadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export const KIND_NAMES: Record<string, string> = { single: '单选题', multi: '多选题', judge: '判断题', short: '简答题' }
export const CATEGORY_NAMES: Record<string, string> = { night_school: '法制夜校', qualification: '执法资格考试', other: '其他' }
export const LEVEL_NAMES: Record<string, string> = { basic: '基本级', intermediate: '中级', senior: '高级' }
export const STATE_NAMES: Record<string, string> = {
  upcoming: '未开始',
  available: '可参加',
  in_progress: '作答中',
  time_over: '时间已到，待交卷',
  marking: '待阅卷',
  passed: '已通过',
  failed: '未通过',
  closed: '已结束',
}
export const RESULT_NAMES: Record<string, string> = {
  absent: '缺考',
  open: '作答中',
  marking: '待阅卷',
  passed: '合格',
  failed: '不合格',
}

export interface Question {
  id: number
  topic: string
  level: number
  kind: string
  stem: string
  options: string[]
  answer: string
  analysis: string
  active: boolean
}
export type QuestionInput = Omit<Question, 'id'>
export interface PaperRule {
  topic: string
  kind: string
  level?: number | null
  count: number
  score: number
}
export interface Paper {
  id: number
  title: string
  rules: PaperRule[]
  total_score: number
}
export interface Exam {
  id: number
  unit_name: string
  paper_id: number
  paper_title: string
  total_score: number
  title: string
  category: string
  opens_at: number
  closes_at: number
  duration_minutes: number
  pass_score: number
  retakes: number
  examinees: number
  submitted: number
  to_mark: number
}
export interface MyExam extends Exam {
  attempts: number
  best_score: number | null
  passed: boolean
  open_attempt_id: number | null
  state: string
}
export interface AttemptItem {
  position: number
  kind: string
  stem: string
  options: string[]
  points: number
  answer: string
  version: number
  auto_score?: number | null
  mark_score?: number | null
  reference?: string
}
export interface Attempt {
  id: number
  exam_id: number
  exam_title: string
  attempt_no: number
  code: string
  started_at: number
  ends_at: number
  server_now: number
  submitted_at: number | null
  status: string
  objective_score: number
  subjective_score: number
  score: number | null
  passed: boolean | null
  pass_score: number
  total_score: number
  tab_token?: string
  person_name?: string
  unit_name?: string
  events?: { id: number; kind: string; detail: string; at: number }[]
  items: AttemptItem[]
}
export interface MarkTask {
  attempt_id: number
  position: number
  code: string
  exam_title: string
  stem: string
  reference: string
  answer: string
  points: number
}
export interface ResultRow {
  person_id: number
  name: string
  badge_no: string
  unit_name: string
  attempts: number
  best_attempt_id: number | null
  best_score: number | null
  status: string
  events: number
}
export interface Analysis {
  graded: number
  mean_score: number | null
  questions: { question_id: number; kind: string; topic: string; stem: string; answered: number; difficulty: number; discrimination: number | null }[]
  units: { unit_id: number; unit_name: string; examinees: number; took: number; passed: number; pass_rate: number | null }[]
}
export interface Qualification {
  id: number
  person_id: number
  person_name: string
  badge_no: string
  unit_name: string
  level: string
  obtained_at: number
  score: number | null
  valid_until: number
  valid: boolean
}
export interface ImportResult {
  imported: number
  errors: string[]
}

export const examsApi = {
  questions: (q: Query) => api.get<Paged<Question>>('/api/exams/questions', q),
  createQuestion: (body: QuestionInput) => api.post<Question>('/api/exams/questions', body),
  updateQuestion: (id: number, body: QuestionInput) => api.put<Question>(`/api/exams/questions/${id}`, body),
  importQuestions: (file: File) => uploadFile<ImportResult>('/api/exams/questions/import', file, {}, undefined, { silent: true }),
  questionTemplate: () => downloadFile('/api/exams/questions/template', {}, '试题导入模板.xlsx'),
  topics: () => api.get<{ items: { topic: string; kind: string; count: number }[] }>('/api/exams/topics'),
  papers: () => api.get<{ items: Paper[] }>('/api/exams/papers'),
  createPaper: (title: string, rules: PaperRule[]) => api.post<Paper>('/api/exams/papers', { title, rules }),
  exams: (q: Query) => api.get<Paged<Exam>>('/api/exams', q),
  createExam: (body: Record<string, unknown>) => api.post<Exam>('/api/exams', body),
  exam: (id: number) => api.get<Exam>(`/api/exams/${id}`),
  mine: () => api.get<{ items: MyExam[]; server_now: number }>('/api/exams/mine'),
  open: (examId: number) => api.post<Attempt>(`/api/exams/${examId}/open`, {}),
  attempt: (id: number) => api.get<Attempt>(`/api/exams/attempts/${id}`),
  save: (id: number, position: number, tab_token: string, answer: string) =>
    api.put<{ version: number; saved_at: number; ends_at: number }>(
      `/api/exams/attempts/${id}/answers/${position}`,
      { tab_token, answer },
      { silent: true },
    ),
  submit: (id: number, tab_token: string) => api.post<Attempt>(`/api/exams/attempts/${id}/submit`, { tab_token }),
  event: (id: number, kind: string, detail: string) =>
    api.post(`/api/exams/attempts/${id}/events`, { kind, detail }, { silent: true }),
  marking: (q: Query) => api.get<{ items: MarkTask[] }>('/api/exams/marking', q),
  mark: (attempt: number, position: number, score: number) =>
    api.put(`/api/exams/attempts/${attempt}/marks/${position}`, { score }),
  results: (id: number, q: Query) => api.get<Paged<ResultRow>>(`/api/exams/${id}/results`, q),
  exportResults: (id: number, title: string) => downloadFile(`/api/exams/${id}/results.xlsx`, {}, `${title}-成绩.xlsx`),
  review: (attempt: number) => api.get<Attempt>(`/api/exams/attempts/${attempt}/review`),
  analysis: (id: number) => api.get<Analysis>(`/api/exams/${id}/analysis`),
  qualifications: (q: Query) => api.get<Paged<Qualification>>('/api/exams/qualifications', q),
  addQualification: (body: Record<string, unknown>) => api.post<Qualification>('/api/exams/qualifications', body),
  importQualifications: (file: File) =>
    uploadFile<ImportResult>('/api/exams/qualifications/import', file, {}, undefined, { silent: true }),
}
