// 谁执法谁普法 API (src/publicity/publicity_routes.cpp, issue 14 item 5).
import { api, downloadFile, postForm, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export interface CampaignDay {
  code: string
  name: string
  from: number
  to: number
  events: number
  audience: number
}
export interface Duty {
  id: number
  unit_id: number
  unit_name: string
  law: string
  audience: string
  note: string
}
export interface CycleItem {
  id: number
  unit_id: number
  unit_name: string
  year: number
  stage: string
  stage_name: string
  due_at: number
  content: string
  submitted_at: number | null
  status: string
  status_name: string
  order_id: number | null
}
export interface PubFile {
  id: number
  kind: string
  filename: string
  content_type: string
  size: number
}
export interface PubEvent {
  id: number
  unit_id: number
  unit_name: string
  campaign: string
  campaign_name: string
  title: string
  held_at: number
  place: string
  audience: number
  laws: string
  summary: string
  files: PubFile[]
}
export interface EventInput {
  campaign: string
  title: string
  held_at: string
  place: string
  audience: number
  laws: string
  summary: string
}
export interface SummaryRow {
  key: string
  name: string
  events: number
  audience: number
}
export interface YearSummary {
  year: number
  events: number
  audience: number
  duties: number
  cycle_total: number
  cycle_done: number
  cycle_late: number
  by_campaign: SummaryRow[]
  by_unit: SummaryRow[]
  text: string
}

export const publicityApi = {
  calendar: (year: number) => api.get<{ year: number; items: CampaignDay[] }>('/api/publicity/calendar', { year }),
  duties: () => api.get<{ items: Duty[] }>('/api/publicity/duties'),
  addDuty: (body: { law: string; audience: string; note: string; unit_id?: number }) => api.post<Duty>('/api/publicity/duties', body),
  removeDuty: (id: number) => api.del(`/api/publicity/duties/${id}`),
  cycle: (year: number) => api.get<{ year: number; items: CycleItem[] }>('/api/publicity/cycle', { year }),
  cycleOfStage: (stage: number) => api.get<{ year: number; items: CycleItem[] }>('/api/publicity/cycle', { stage }),
  openCycle: (year: number) => api.post<{ added: number }>('/api/publicity/cycle', { year }),
  submit: (id: number, content: string) => api.put<CycleItem>(`/api/publicity/cycle/${id}`, { content }),
  events: (q: Query) => api.get<Paged<PubEvent>>('/api/publicity/events', q),
  event: (id: number) => api.get<PubEvent>(`/api/publicity/events/${id}`),
  addEvent: (body: EventInput) => api.post<PubEvent>('/api/publicity/events', body),
  upload: (id: number, kind: string, file: File) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file, file.name)
    return postForm<PubEvent>(`/api/publicity/events/${id}/files`, form)
  },
  fileUrl: (id: number) => `/api/publicity/files/${id}`,
  summary: (year: number) => api.get<YearSummary>('/api/publicity/summary', { year }),
  exportSummary: (year: number) => downloadFile('/api/publicity/summary.xlsx', { year }, `${year}年谁执法谁普法工作总结.xlsx`),
}
