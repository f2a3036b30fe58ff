// 五化巡防 API (src/patrol/patrol_routes.cpp, issue 15).
import { api, downloadFile, type Query } from '@/api/client'
import type { Paged } from '@/api/types'

export type LngLat = [number, number]
export interface Area { id: number; unit_name: string; name: string; ring: LngLat[]; in_town: boolean }
export interface Point { id: number; area_id: number | null; area_name: string; name: string; at: LngLat; radius_m: number; min_stay_s: number }
export interface MapData { areas: Area[]; points: Point[]; tile_url: string }
export interface Checkin {
  id: number
  unit_name: string
  point_name: string
  officer_name: string
  arrived_at: number
  left_at: number | null
  at: LngLat
  accuracy_m: number
  distance_m: number
  flagged: boolean
  flags: string[]
  flag_reasons: string[]
}
export interface PatrolLog { id: number; unit_name: string; officer_name: string; kind: string; at: number; camera: string; place: string; finding: string; result: string }
export interface Bucket {
  unit_id: number
  unit_name: string
  shift: string
  calls: number
  signed: number
  sign_ok: number
  arrived: number
  arrive_ok: number
  sign_median_s: number
  arrive_median_s: number
  arrive_rate: number
}
export const STAGES = ['received', 'dispatched', 'signed', 'departed', 'arrived', 'feedback', 'closed'] as const
export type Stage = (typeof STAGES)[number]
export const STAGE_NAMES: Record<Stage, string> = { received: '接警', dispatched: '派警', signed: '签收', departed: '出警', arrived: '到达', feedback: '反馈', closed: '结案' }
export type Call = { id: number; unit_name: string; kind: string; place: string; shift: string; in_town: boolean; is_test: boolean } & { [K in `${Stage}_at`]: number | null }
/** A 巡组成员 from the directory (member_ids); legacy_members: names typed as text before that. */
export interface TeamMember { id: number; name: string; badge_no: string; unit_name: string }
export interface Team {
  id: number
  unit_id: number
  unit_name: string
  name: string
  mode: 'car' | 'foot' | 'bicycle'
  shift: string
  /** Every member's name for display: the directory's people, then the legacy text names. */
  members: string[]
  member_ids: number[]
  member_people: TeamMember[]
  legacy_members: string[]
  equipment: string[]
}
export interface TeamInput { name: string; mode: string; shift?: string; member_ids: number[]; members: string[]; equipment: string[] }
export const TEAM_MODES: Record<string, string> = { car: '车巡', foot: '步巡', bicycle: '骑巡' }
export interface ShiftSlot { name: string; start: string; end: string }
export interface ShiftPattern { unit_id: number; name: string; slots: ShiftSlot[]; cycle: number[][]; anchor: string; updated_at: number }
export interface ShiftCalendar { month: string; pattern: ShiftPattern | null; days: { date: string; cycle_day: number; teams: number[] }[] }
export interface Targets { sign_s: number; arrive_town_s: number; arrive_rural_s: number; tile_url: string }
export interface ResponseReport { from: number; to: number; targets: Targets; by_unit: Bucket[]; by_unit_shift: Bucket[]; slowest: Bucket[] }
export interface Drill { id: number; name: string; seed: number; draws: number; drawn_points: number[]; call_ids: number[]; created_at: number }
export interface HotCell { x: number; y: number; centre: LngLat; count: number; score: number; level: number; near_repeats: number; peak_hour: number }
export interface Hotspots {
  incidents: number
  near_repeats: number
  cell_m: number
  thresholds: { p80: number; p90: number; p97: number }
  cells: HotCell[]
  by_weekday_hour: number[][]
  suggestions: { area_id: number; area_name: string; cells: HotCell[]; hours: number[]; stops_per_week: number }[]
  evaluation: {
    suggested_before: number
    suggested_after: number
    others_before: number
    others_after: number
    // Difference-in-differences against cells with a similar count in the 28 days before.
    matched?: {
      suggested_cells: number
      matched_cells: number
      unmatched_cells: number
      control_cells: number
      suggested_change: number
      control_change: number
      did: number
    }
  }
}
export interface Dispute {
  id: number
  unit_name: string
  title: string
  kind: string
  parties: string[]
  grade: string
  grade_reasons: string
  officer_name: string
  linked_calls: number[]
  actions: { at: number; text: string; by: string }[]
  revisit_at: number | null
  status: string
  closure: string
  order_id: number | null
  overdue: boolean
  escalate: boolean
}
export interface Hazard { id: number; unit_name: string; place: string; kind: string; description: string; fix_due: number; fixed_at: number | null; recheck_at: number | null; status: string; overdue: boolean; order_id: number | null }

export interface GeoFeature {
  type: 'Feature'
  properties: Record<string, unknown>
  geometry: { type: 'Polygon'; coordinates: LngLat[][] } | { type: 'Point'; coordinates: LngLat }
}
// One 巡区 as a GeoJSON Feature (the ring closed), as import and PUT /api/patrol/areas/{id} take it.
export function areaFeature(name: string, ring: LngLat[], inTown: boolean): GeoFeature {
  return { type: 'Feature', properties: { name, in_town: inTown }, geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] } }
}
export function pointFeature(name: string, at: LngLat, radius: number, minStay: number): GeoFeature {
  return { type: 'Feature', properties: { name, radius, min_stay: minStay }, geometry: { type: 'Point', coordinates: at } }
}
// The unit's geometry as one FeatureCollection (the export of the map page; importable again).
export function toGeoJson(d: MapData) {
  return {
    type: 'FeatureCollection',
    features: [...d.areas.map((a) => areaFeature(a.name, a.ring, a.in_town)), ...d.points.map((p) => pointFeature(p.name, p.at, p.radius_m, p.min_stay_s))],
  }
}

export const FLAG_NAMES: Record<string, string> = { far: '偏离必到点', speed: '速度异常', short_stay: '停留不足', outside_area: '不在巡区内' }
export const DISPUTE_KINDS: Record<string, string> = { romance: '婚恋', family: '家庭', neighbour: '邻里', debt: '债务', labour: '劳资', land: '土地' }
export const GRADES: Record<string, string> = { red: '红色', orange: '橙色', yellow: '黄色', green: '绿色' }
export const LOG_KINDS: Record<string, string> = { stop_check: '盘查', catch: '抓获现行', video: '视频巡防', info: '信息巡查' }

export const patrolApi = {
  map: () => api.get<MapData>('/api/patrol/map'),
  importGeoJson: (geojson: unknown) => api.post<{ areas: Area[]; points: Point[] }>('/api/patrol/import', { geojson }),
  updateArea: (id: number, feature: GeoFeature) => api.put<Area>(`/api/patrol/areas/${id}`, { feature }),
  deleteArea: (id: number) => api.del<{ ok: boolean }>(`/api/patrol/areas/${id}`),
  updatePoint: (id: number, feature: GeoFeature) => api.put<Point>(`/api/patrol/points/${id}`, { feature }),
  deletePoint: (id: number) => api.del<{ ok: boolean }>(`/api/patrol/points/${id}`),
  checkins: (q: Query) => api.get<Paged<Checkin>>('/api/patrol/checkins', q),
  checkIn: (body: { point_id: number; lon: number; lat: number; accuracy_m: number }) => api.post<Checkin>('/api/patrol/checkins', body),
  leave: (id: number) => api.post<Checkin>(`/api/patrol/checkins/${id}/leave`, {}),
  logs: (q: Query) => api.get<Paged<PatrolLog>>('/api/patrol/logs', q),
  teams: () => api.get<{ items: Team[] }>('/api/patrol/teams'),
  createTeam: (body: TeamInput) => api.post<Team>('/api/patrol/teams', body),
  updateTeam: (id: number, body: TeamInput) => api.put<Team>(`/api/patrol/teams/${id}`, body),
  shifts: () => api.get<{ pattern: ShiftPattern | null }>('/api/patrol/shifts'),
  saveShifts: (body: { name: string; slots: ShiftSlot[]; cycle: number[][]; anchor: string }) => api.put<ShiftPattern>('/api/patrol/shifts', body),
  shiftCalendar: (month: string) => api.get<ShiftCalendar>('/api/patrol/shifts/calendar', { month }),
  calls: (q: Query) => api.get<Paged<Call>>('/api/patrol/calls', q),
  createCall: (body: { kind: string; place: string; in_town: boolean }) => api.post<Call>('/api/patrol/calls', body),
  stamp: (id: number, stage: Stage) => api.post<Call>(`/api/patrol/calls/${id}/stamp`, { stage }),
  targets: () => api.get<Targets>('/api/patrol/targets'),
  addLog: (body: { kind: string; camera?: string; place?: string; finding?: string; result?: string }) => api.post<PatrolLog>('/api/patrol/logs', body),
  response: (q: Query) => api.get<ResponseReport>('/api/patrol/response', q),
  drills: () => api.get<{ items: Drill[] }>('/api/patrol/drills'),
  createDrill: (body: { name: string; count: number; seed?: number }) => api.post<Drill>('/api/patrol/drills', body),
  hotspots: (q: Query) => api.get<Hotspots>('/api/patrol/hotspots', q),
  disputes: (q: Query) => api.get<Paged<Dispute>>('/api/patrol/disputes', q),
  createDispute: (body: Record<string, unknown>) => api.post<Dispute>('/api/patrol/disputes', body),
  hazards: (q: Query) => api.get<Paged<Hazard>>('/api/patrol/hazards', q),
  createHazard: (body: Record<string, unknown>) => api.post<Hazard>('/api/patrol/hazards', body),
  exportDisputes: () => downloadFile('/api/patrol/disputes.xlsx', {}, '矛盾纠纷台账.xlsx'),
  exportHazards: () => downloadFile('/api/patrol/hazards.xlsx', {}, '安全隐患台账.xlsx'),
}

export function fmtTime(t: number | null | undefined): string {
  if (t == null) return ''
  const d = new Date((t + 8 * 3600) * 1000)
  return d.toISOString().slice(0, 16).replace('T', ' ')
}
