// 中文 names for the scoring codes: ledger sources, month and objection states, roles.
import type { TagType } from '@/utils/labels'

export const SCORE_SOURCES: Record<string, string> = {
  case_stage: '办案环节',
  stage: '办案环节',
  violation: '监管违规',
  review: '审核问题',
  review_finding: '审核问题',
  supervision_order: '督办',
  order: '督办',
  order_overdue: '督办逾期',
  case_rating: '案件评定',
  typical_case: '典型案例',
  evaluation: '案件评定',
  complaint: '投诉',
  inspection: '执法巡查',
  training: '教育培训',
  adjustment: '复核调整',
  cap: '月度上限',
}

export function scoreSourceName(s: string): string {
  return SCORE_SOURCES[s] ?? s
}

export const SCORE_MONTH_STATUSES: Record<string, { name: string; tag: TagType }> = {
  none: { name: '未计算', tag: 'info' },
  draft: { name: '草稿（未公示）', tag: 'info' },
  published: { name: '公示中', tag: 'warning' },
  final: { name: '已定稿', tag: 'success' },
  preview: { name: '预览', tag: 'info' },
}

export const OBJECTION_STATUSES: Record<string, { name: string; tag: TagType }> = {
  pending: { name: '待处理', tag: 'warning' },
  accepted: { name: '已采纳', tag: 'success' },
  rejected: { name: '已驳回', tag: 'info' },
}

export const SCORE_ROLES: Record<string, string> = {
  lead: '主办',
  assist: '协办',
  legal: '法制员',
  '': '',
}

