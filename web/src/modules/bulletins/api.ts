// 通报 API (src/bulletins/bulletins_routes.cpp, docs/bulletins.md). Periods are "2023-07" (monthly
// 执法质量通报) or "2023-Q3" (quarterly 执法规范化建设通报).
import { api, buildUrl, downloadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export type BulletinKind = 'quality' | 'standardization'
export type BulletinState = 'draft' | 'approved' | 'published'

export const KIND_NAMES: Record<string, string> = {
  quality: '执法质量通报',
  standardization: '执法规范化建设通报',
}
export const STATE_NAMES: Record<string, { name: string; tag: 'info' | 'warning' | 'success' }> = {
  draft: { name: '草稿', tag: 'info' },
  approved: { name: '已审批', tag: 'warning' },
  published: { name: '已发布', tag: 'success' },
}

export interface BulletinSummary {
  id: number
  bureau_id: number
  kind: BulletinKind
  period: string
  state: BulletinState
  title: string
  issue_no: string
  corrects_id: number | null
  corrects_issue_no: string
  created_at: number
  published_at: number | null
}

export interface Figure {
  key: string
  label: string
  value: number
  of: number | null
  previous: number | null
  unit: string
  source: string
}

export interface SectionTable {
  caption: string
  header: string[]
  rows: string[][]
  numeric: boolean[]
  source: string
}

export interface Section {
  id: string
  title: string
  has_data: boolean
  empty_text: string
  summary: string
  figures: Figure[]
  tables: SectionTable[]
  items_title: string
  items: string[]
  items_source: string
}

export interface Narrative {
  intro: string
  sections: Record<string, string>
  closing: string
}

export interface Bulletin extends BulletinSummary {
  bureau_name: string
  issuer: string
  sections: Section[]
  narrative: Narrative
  created_by_name: string
  approved_by_name: string
  published_by_name: string
  updated_at: number
  approved_at: number | null
}

export const bulletinsApi = {
  list: (q: Query) => api.get<Paged<BulletinSummary>>('/api/bulletins', q),
  get: (id: number) => api.get<Bulletin>(`/api/bulletins/${id}`),
  generate: (body: { kind: BulletinKind; period?: string; corrects_id?: number }) =>
    api.post<Bulletin>('/api/bulletins', body),
  editNarrative: (id: number, body: Partial<Narrative>) => api.put<Bulletin>(`/api/bulletins/${id}/narrative`, body),
  approve: (id: number) => api.post<Bulletin>(`/api/bulletins/${id}/approve`),
  publish: (id: number) => api.post<Bulletin>(`/api/bulletins/${id}/publish`),
  downloadDocx: (b: BulletinSummary) =>
    downloadFile(`/api/bulletins/${b.id}/docx`, {}, `${KIND_NAMES[b.kind]}${b.issue_no || b.period}.docx`),
  printUrl: (id: number) => buildUrl(`/api/bulletins/${id}/print`),
}

/** "12起（上期 10）" / "85.2%（23/27）". */
export function figureText(f: Figure): string {
  if (f.of !== null) return f.of > 0 ? `${((100 * f.value) / f.of).toFixed(1)}%（${f.value}/${f.of}）` : '—'
  return `${f.value}${f.unit}`
}

export function changeText(f: Figure): string {
  if (f.previous === null) return ''
  const d = f.value - f.previous
  if (d === 0) return `与上期持平（上期 ${f.previous}${f.unit}）`
  return `较上期${d > 0 ? '增加' : '减少'}${Math.abs(d)}${f.unit}（上期 ${f.previous}${f.unit}）`
}
