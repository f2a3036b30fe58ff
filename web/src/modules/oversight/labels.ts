// 中文 names and colours for the supervision codes: clock states, reviews, 督办, notifications.
import type { StateStyle, TagType } from '@/utils/labels'

/** Rule clock states (docs/supervision-engine.md §States). */
export const CLOCK_STATES: Record<string, StateStyle> = {
  not_started: { name: '未开始', tag: 'info', color: '#909399' },
  running: { name: '计时中', tag: 'primary', color: '#1f6fd1' },
  pre_warn: { name: '预警', tag: 'warning', color: '#d98b00' },
  overdue: { name: '告警', tag: 'danger', color: '#d03050' },
  done_late: { name: '超期办结', tag: 'danger', color: '#8e2b8e' },
  done: { name: '已完成', tag: 'success', color: '#2e8b57' },
  missing: { name: '缺少要求', tag: 'danger', color: '#b4481b' },
  not_applicable: { name: '不适用', tag: 'info', color: '#909399' },
}

export function clockState(state: string | null | undefined): StateStyle {
  return CLOCK_STATES[state ?? ''] ?? { name: state || '—', tag: 'info', color: '#909399' }
}

/** The alerting states the alert centre lists by default. */
export const ALERTING_STATES = ['pre_warn', 'overdue', 'done_late', 'missing']

export const REVIEW_STAGES: Record<string, string> = {
  accept: '受案审核',
  file: '立案审核',
  coercive: '强制措施审核',
  prosecution: '移送起诉审核',
}

export const REVIEW_VERDICTS: Record<string, { name: string; tag: TagType }> = {
  pass: { name: '通过', tag: 'success' },
  fix_required: { name: '需整改', tag: 'warning' },
  reject: { name: '不通过', tag: 'danger' },
}

export const FINDING_CATEGORIES: Record<string, string> = {
  evidence: '证据',
  procedure: '程序',
  characterization: '定性',
}

export const FINDING_SEVERITIES: Record<string, string> = {
  normal: '一般',
  serious: '严重',
}

export const ORDER_STATUSES: Record<string, { name: string; tag: TagType }> = {
  open: { name: '待整改', tag: 'warning' },
  answered: { name: '待审核', tag: 'primary' },
  returned: { name: '已退回', tag: 'danger' },
  suspended: { name: '已挂起', tag: 'info' },
  closed: { name: '已办结', tag: 'success' },
}

export const ORDER_ACTIONS: Record<string, string> = {
  create: '下发督办',
  answer: '整改回复',
  close: '审核通过，办结',
  return: '退回重新整改',
  suspend: '挂起',
  resume: '恢复办理',
  overdue: '整改超期',
}

export const ORDER_SOURCES: Record<string, string> = {
  violation: '监管违规',
  review: '审核问题',
  manual: '人工督办',
  inspection: '巡查发现问题',
}

export const VIOLATION_KINDS: Record<string, string> = {
  overdue: '超期未办',
  done_late: '超期办结',
  missing: '缺少要求',
}

export const NOTIFICATION_KINDS: Record<string, { name: string; tag: TagType }> = {
  pre_warn: { name: '预警', tag: 'warning' },
  overdue: { name: '告警', tag: 'danger' },
  violation: { name: '违规', tag: 'danger' },
  supervision_order: { name: '督办', tag: 'primary' },
  supervision_overdue: { name: '督办超期', tag: 'danger' },
  review: { name: '审核', tag: 'info' },
  intake_due_soon: { name: '接报即将超期', tag: 'warning' },
  intake_overdue: { name: '接报超期', tag: 'danger' },
  patrol_escalate: { name: '纠纷升级', tag: 'danger' },
}

