// 执法办案积分制 API (src/scoring/scoring_routes.cpp, docs/scoring.md). Points are numbers with at
// most two decimals; months are "YYYY-MM" in Beijing time.
import { api, downloadFile } from '@/api/client'

export type MonthStatus = 'draft' | 'published' | 'final' | 'none' | string

export interface ScoreEntry {
  id: number
  month: string
  person_id: number
  person_name: string
  unit_id: number
  unit_name: string
  points: number
  points_centi: number
  source: string
  act: string
  act_name: string
  role: string
  object: { type: string; id: number }
  case_id: number | null
  link: { type: string; id: number } | null
  occurred_at: number
  occurred_at_local: string | null
  reason: string
  scheme_version: number
  objection_id: number | null
  objection_status: string
}

export interface OfficerMonth {
  person: { id: number; name: string; badge_no: string; kind: string; unit_id: number; unit_name: string }
  month: string
  status: MonthStatus
  total: number
  by_source: Record<string, number>
  by_act: Record<string, number>
  rank_bureau: number | null
  rank_unit: number | null
  movement: number | null
  entries: ScoreEntry[]
  trend: { month: string; total: number | null }[]
  year_total: number
}

export interface MonthInfo {
  id: number
  bureau_id: number
  bureau_name: string
  month: string
  status: MonthStatus
  scheme_id: number
  scheme_version: number
  objection_days: number
  entry_count: number
  skipped_facts: number
  pending_objections: number
  ledger_hash: string
  computed_at: number
  computed_by: string
  published_at: number | null
  published_at_local: string | null
  published_by: string
  objection_deadline: number | null
  objection_deadline_local: string | null
  finalized_at: number | null
  finalized_by: string
}

export interface OfficerRank {
  person_id: number
  name: string
  badge_no: string
  unit_id: number
  unit_name: string
  unit_path: string
  total: number
  positive: number
  negative: number
  entries: number
  rank_bureau: number
  rank_unit: number
  prev_rank_bureau: number | null
  movement: number | null
  movement_text: string
}

export interface UnitRank {
  unit_id: number
  name: string
  path: string
  members: number
  total: number
  per_capita: number
  rank: number
  prev_rank: number | null
  movement: number | null
  movement_text: string
}

export interface RankingView {
  month: MonthInfo
  phase: string
  officers: OfficerRank[]
  units: UnitRank[]
  title?: string
}

export interface YearTotals {
  bureau_id: number
  year: number
  months_counted: number
  officers: {
    rank: number
    person_id: number
    name: string
    badge_no: string
    unit_id: number
    unit_name: string
    months: (number | null)[]
    total: number
  }[]
}

export interface Objection {
  id: number
  bureau_id: number
  month: string
  entry_id: number
  entry_points: number
  entry_reason: string
  person_id: number
  person_name: string
  reason: string
  status: 'pending' | 'accepted' | 'rejected' | string
  created_at: number
  decided_by: string
  decided_at: number | null
  decision_reason: string
  adjustment: number | null
  adjustment_entry_id: number | null
}

export const scoringApi = {
  me: (month: string) => api.get<OfficerMonth>('/api/scoring/me', { month }, { silent: true }),
  officer: (id: number, month: string) => api.get<OfficerMonth>(`/api/scoring/officers/${id}`, { month }),
  months: (year?: number) => api.get<{ items: MonthInfo[] }>('/api/scoring/months', { year }),
  rankings: (month: string, unitId?: number | null) =>
    api.get<RankingView>(`/api/scoring/months/${month}/rankings`, { unit_id: unitId ?? undefined }, { silent: true }),
  sheet: (month: string, unitId?: number | null) =>
    api.get<RankingView>(`/api/scoring/months/${month}/sheet`, { unit_id: unitId ?? undefined }, { silent: true }),
  year: (year: number, unitId?: number | null) =>
    api.get<YearTotals>(`/api/scoring/years/${year}`, { unit_id: unitId ?? undefined }, { silent: true }),
  cycle: (month: string, action: 'compute' | 'publish' | 'finalize') =>
    api.post<MonthInfo>(`/api/scoring/months/${month}/${action}`, {}, { silent: true }),
  objections: (query: { month?: string; status?: string }) =>
    api.get<{ items: Objection[] }>('/api/scoring/objections', query),
  fileObjection: (entryId: number, reason: string) =>
    api.post<Objection>('/api/scoring/objections', { entry_id: entryId, reason }, { silent: true }),
  decide: (id: number, body: { decision: 'accept' | 'reject'; reason: string; adjustment?: number }) =>
    api.post<Objection>(`/api/scoring/objections/${id}/decide`, body, { silent: true }),
  /** The month's points (units and officers) as an XLSX download; answers the file name. */
  exportMonth: (month: string, unitId?: number | null) =>
    downloadFile(`/api/scoring/months/${month}/export`, { unit_id: unitId ?? undefined }, `执法办案积分_${month}.xlsx`),
}

/**
 * The latest month the caller can see published (公示/定稿), newest first from the month list;
 * null when none is. Used as the default month of the points pages.
 */
export async function latestPublishedMonth(): Promise<string | null> {
  try {
    const res = await api.get<{ items: MonthInfo[] }>('/api/scoring/months', undefined, { silent: true })
    const months = (res.items ?? []).filter((m) => m.status === 'published' || m.status === 'final').map((m) => m.month)
    months.sort()
    return months.length ? months[months.length - 1] : null
  } catch {
    return null
  }
}

/** ↑3 / ↓2 / — / 新 and a colour class for a rank movement (positive = moved up). */
export function movement(m: number | null | undefined): { text: string; cls: string } {
  if (m === null || m === undefined) return { text: '新', cls: 'mv-new' }
  if (m > 0) return { text: `↑${m}`, cls: 'mv-up' }
  if (m < 0) return { text: `↓${-m}`, cls: 'mv-down' }
  return { text: '—', cls: 'mv-same' }
}
