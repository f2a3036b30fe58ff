// 中文 names for the case module's codes: alert states, case types and event attributes.
import type { StateStyle } from '@/utils/labels'

/** A case's overall alert state (cases.alert_state). */
export const CASE_ALERT_STATES: Record<string, StateStyle> = {
  none: { name: '正常', tag: 'success', color: '#2e8b57' },
  pre_warn: { name: '预警', tag: 'warning', color: '#d98b00' },
  overdue: { name: '告警', tag: 'danger', color: '#d03050' },
  violation: { name: '违规', tag: 'danger', color: '#8e2b8e' },
}

export function caseAlertState(state: string | null | undefined): StateStyle {
  return CASE_ALERT_STATES[state ?? ''] ?? { name: state || '—', tag: 'info', color: '#909399' }
}

export const CASE_TYPES = [
  { id: 'criminal', name: '刑事' },
  { id: 'administrative', name: '行政' },
]

/** Event attributes (docs/events.md §Attributes): 中文 label and input kind. */
export interface AttrDef {
  label: string
  kind: 'time' | 'int' | 'bool' | 'enum' | 'text'
  options?: Record<string, string>
}

export const APPROVER_LEVELS: Record<string, string> = {
  department_head: '办案部门负责人',
  duty_head: '县（市）公安局/分局值班负责人',
  supervising_head: '县（市）公安局/分局主管负责人',
  county_head: '县级以上公安机关负责人',
  superior_bureau: '上一级公安机关',
  superior_procuratorate: '上一级人民检察院',
  provincial_procuratorate: '省级人民检察院',
}

export const EXTENSION_BASES: Record<string, string> = {
  need_detention_or_arrest: '案情特别重大、复杂，需要采取拘留、逮捕措施',
  special_circumstance: '特殊情况',
  roving: '流窜作案',
  repeated: '多次作案',
  gang: '结伙作案',
  clue_verification: '线索需要查证',
  major_complex: '重大疑难复杂',
  complex_may_detain: '情况复杂，可能适用行政拘留',
  many_people: '涉案人数众多',
  identity_unknown: '身份不明',
  investigation_complex: '案情复杂，期限届满不能终结',
  cpl158: '刑事诉讼法第158条所列案件',
  ten_years: '可能判处十年有期徒刑以上刑罚',
  appraisal: '鉴定、辨认、检验',
  complex: '疑难复杂',
  case_need: '案件需要',
}

export const LOCATIONS: Record<string, string> = {
  interrogation_room: '执法办案场所讯问室',
  inquiry_room: '执法办案场所询问室',
  case_area: '执法办案场所（办案区）',
  detention_center: '看守所讯问室',
  scene: '现场（紧急情况）',
  residence: '住处',
  hospital: '医院',
  workplace: '工作单位',
  station_other: '公安机关内办案场所以外的地点',
  other: '其他地点',
}

/** 离开方式 of a 释放 (docs/events.md §release_mode). */
export const RELEASE_MODES: Record<string, string> = {
  self: '自行离开',
  family_pickup: '通知家属或监护人领回',
  escorted_home: '护送至住地',
  handed_over: '移交其他机关或监管场所',
  other: '其他',
}

export const EVENT_ATTRS: Record<string, AttrDef> = {
  end: { label: '结束时间', kind: 'time' },
  officers: { label: '办案人员人数', kind: 'int' },
  location: { label: '地点', kind: 'enum', options: LOCATIONS },
  av_start: { label: '录音录像开始', kind: 'time' },
  av_end: { label: '录音录像结束', kind: 'time' },
  guardian_present: { label: '监护人/合适成年人到场', kind: 'bool' },
  female_staff_present: { label: '女工作人员在场', kind: 'bool' },
  body_camera: { label: '执法记录仪全过程视音频', kind: 'bool' },
  rule: { label: '延长的规则', kind: 'text' },
  approver_level: { label: '审批人层级', kind: 'enum', options: APPROVER_LEVELS },
  basis: { label: '延长依据', kind: 'enum', options: EXTENSION_BASES },
  new_limit: { label: '延长后期限', kind: 'int' },
  requested_at: { label: '提请延长时间', kind: 'time' },
  offences: { label: '作案次数', kind: 'int' },
  gang_size: { label: '共同作案人数（含本人）', kind: 'int' },
  roving: { label: '流窜作案', kind: 'bool' },
  major_suspect: { label: '重大嫌疑分子', kind: 'bool' },
  release_mode: { label: '离开方式', kind: 'enum', options: RELEASE_MODES },
  remote: { label: '异地/偏远地区提取', kind: 'bool' },
  designated: { label: '指定居所', kind: 'bool' },
  approved: { label: '批准逮捕', kind: 'bool' },
  onsite: { label: '当场', kind: 'bool' },
  av_recorded: { label: '同步录音录像', kind: 'bool' },
  materials_incomplete: { label: '移送材料不全', kind: 'bool' },
  admin_detention: { label: '含行政拘留', kind: 'bool' },
  has_victim: { label: '有被侵害人', kind: 'bool' },
  has_complainant: { label: '有控告人', kind: 'bool' },
  days: { label: '行政拘留天数', kind: 'int' },
  actor: { label: '办理人（警号或姓名）', kind: 'text' },
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** A time attribute ("2024-01-01T06:42:00+08:00", "…Z" or local text) as Beijing "2024-01-01 06:42". */
function beijingText(value: string): string {
  const m = ISO_TIME.exec(value)
  if (!m) return value
  if (!m[5]) return `${m[1]} ${m[2]}` // already local (Beijing) text
  const t = Date.parse(value)
  if (!Number.isFinite(t)) return value
  const d = new Date(t + 8 * 3600 * 1000)
  return d.toISOString().slice(0, 16).replace('T', ' ')
}

/** Attribute values shown as text: booleans as 是/否, closed lists in 中文, times in Beijing time. */
export function attrText(key: string, value: unknown): string {
  const def = EVENT_ATTRS[key]
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'string' && (def?.kind === 'time' || ISO_TIME.test(value))) return beijingText(value)
  if (def?.options && typeof value === 'string') return def.options[value] ?? value
  if (value === null || value === undefined) return '—'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export function attrLabel(key: string): string {
  return EVENT_ATTRS[key]?.label ?? (key === 'note' ? '备注' : key === 'actor' ? '办理人' : key)
}

/** Attribute keys in the order of the vocabulary (start before end), unknown ones last. */
export function attrOrder(keys: string[]): string[] {
  const order = Object.keys(EVENT_ATTRS)
  const rank = (k: string) => {
    const i = order.indexOf(k)
    return i < 0 ? order.length : i
  }
  return [...keys].sort((a, b) => rank(a) - rank(b))
}
