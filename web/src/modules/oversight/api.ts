// Supervision in the running system (src/oversight/oversight_routes.cpp, docs/oversight.md):
// alert clocks, violations, notifications, 督办 orders, 法制员 reviews, rule catalog and holiday
// calendar versions, platform-use metrics.
import { api, buildUrl, downloadFile, postForm } from '@/api/client'
import type { Paged } from '@/api/types'

/** Stored clock states: running, pre_warn, overdue, done_late, done, missing. */
export interface Alert {
  id: number
  case_id: number
  case_title: string
  case_external_id: string
  unit_id: number
  unit_name: string
  lead_officer_id: number | null
  lead_officer_name: string
  rule_id: string
  rule_name: string
  clock_key: string
  state: string
  due_at: number | null
  due_local: string | null
  pre_warn_at: number | null
  pre_warn_local: string | null
  since: number | null
  person_ref: string | null
  trigger_event_id: number | null
  message: string
  legal_basis: string
  updated_at: number
}

export interface Violation {
  id: number
  case_id: number
  case_title: string
  unit_id: number
  unit_name: string
  officer_id: number | null
  officer_name: string
  rule_id: string
  clock_key: string
  kind: string
  severity: string
  due_at: number | null
  due_local: string | null
  detected_at: number
  message: string
  legal_basis: string
}

export interface Notification {
  id: number
  case_id: number | null
  /** The object it opens: supervision_order, review, case … (src/notify). */
  object_type?: string | null
  object_id?: number | null
  kind: string
  title: string
  body: string
  created_at: number
  read_at: number | null
  read: boolean
}

export interface Attachment {
  id: number
  filename: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: number | null
  uploaded_at: number
  url: string
}

export interface OrderStep {
  id: number
  action: string
  note: string
  actor_user_id: number | null
  actor_name: string
  at: number
  attachments: Attachment[]
}

export interface Order {
  id: number
  case_id: number | null
  case_title: string
  /** Its 案件编号. */
  case_external_id?: string
  unit_id: number
  unit_name: string
  source: string
  source_id: number | null
  /** 中文 of who reviews its 整改 when not the 督办 page (an inspection finding: the inspectors). */
  reviewed_by?: string
  /** The web page of the problem when it is not the case page (e.g. an inspection finding). */
  source_path?: string
  /** The source's title of the problem (“巡查问题：…”); orders on a case are named by the case. */
  title?: string
  problem_type: string
  opinion: string
  responsible_person_id: number | null
  responsible_name: string
  deadline: number
  deadline_local: string
  status: string
  suspend_reason: string
  created_by: number | null
  created_at: number
  answered_at: number | null
  closed_at: number | null
  updated_at: number
  overdue: boolean
  steps: OrderStep[]
}

export interface Finding {
  id?: number
  category: string
  severity: string
  description: string
}

export interface Review {
  id: number
  case_id: number
  stage: string
  verdict: string
  comment: string
  reviewer_user_id: number | null
  reviewer_name: string
  reviewer_person_id: number | null
  created_at: number
  findings: Finding[]
}

export interface ConfigVersion {
  version: number
  note: string
  created_by: number | null
  created_by_name: string
  created_at: number
  created_at_local: string
  active: boolean
}

export interface Ratio {
  num: number
  den: number
  rate: number | null
}

export interface MetricRow {
  id: number
  name: string
  unit_id: number | null
  body_camera: Ratio
  area_av: Ratio
  property_24h: Ratio
  reviews_complete: Ratio
  orders_on_time: Ratio
  cases: number
  violations: number
  violations_per_100: number | null
  month?: string
}

export interface MetricsReport {
  month: string
  unit_id: number | null
  units: MetricRow[]
  officers: MetricRow[]
  total: MetricRow
  trend: MetricRow[]
}

/** Paging and sorting every list takes. */
type PageQuery = {
  sort?: string
  order?: string
  page?: number
  page_size?: number
}

export type AlertQuery = PageQuery & {
  /** Comma-separated clock states (overdue,pre_warn,…). */
  state?: string
  rule_id?: string
  unit_id?: number
  /** The case's lead officer (a person id). */
  officer_id?: number | string
  case_id?: number
  /** Due window: YYYY-MM-DD, `due_to` exclusive. */
  due_from?: string
  due_to?: string
}

export type ViolationQuery = PageQuery & { case_id?: number; unit_id?: number }

export type OrderQuery = PageQuery & {
  status?: string
  case_id?: number
  unit_id?: number
  /** The responsible officer (a person id). */
  person_id?: number
  overdue?: '1'
  /** '1': the items the caller is responsible for. */
  mine?: '1' | string
}

export type NotificationQuery = PageQuery & { unread?: '1' }

/** The two versioned configuration documents: the rule catalog and the holiday calendar. */
export type ConfigDocKind = 'catalog' | 'calendar'

/** A configuration document with its versions (GET /api/oversight/{catalog|calendar}). */
export interface ConfigDocState {
  catalog?: unknown
  calendar?: unknown
  active_version?: number
  versions?: ConfigVersion[]
  /** Catalog only: the limit the law sets per rule id, the most a version may set. */
  legal_limits?: Record<string, { value: number; unit: string }>
}

/** The rule catalog as far as the pages read it (the full schema: docs/supervision-engine.md). */
export interface RuleCatalog {
  rules?: { id: string; name: string }[]
}

/** A status move that needs a passed 法制审核 stage first. */
export interface ReviewGate {
  case_type: string
  to: string
  stage: string
}

/** The background re-evaluation every activation of a catalog or calendar version starts. */
export interface ReevaluationJob {
  state: 'idle' | 'running' | 'done' | 'failed'
  reason: string
  open_only: boolean
  cases_done: number
  cases_total: number
  cases_written: number
  cases_failed: number
  finished_at_local: string | null
  error: string
  queued: string
}

/** One case of the 法制审核 queue (GET /api/reviews/queue). */
export interface ReviewQueueItem {
  case_id: number
  external_id: string
  title: string
  case_type: string
  case_type_name: string
  cause: string
  status: string
  status_name: string
  alert_state: string
  unit_id: number
  unit_name: string
  lead_officer_name: string
  legal_officer_name: string
  accepted_at: number
  /** The stage review the case waits for before it can move on; null when none. */
  pending_stage: string | null
  pending_stage_name: string | null
  /** The status that review opens (立案, 移送起诉 …). */
  pending_to_name: string | null
  /** The nearest deadline of its running clocks. */
  next_due_at: number | null
  next_due_local: string | null
  last_review: {
    stage: string
    stage_name: string
    verdict: string
    verdict_name: string
    reviewer_name: string
    created_at: number | null
  } | null
}

export interface ReviewQueueQuery {
  /** mine: bound to me (捆绑); all: my whole unit. */
  scope?: 'mine' | 'all'
  /** pending: awaiting a review (default); open: not concluded; all. */
  state?: 'pending' | 'open' | 'all'
  case_type?: string
  unit_id?: number
  q?: string
  page?: number
  page_size?: number
}

/** One selected row of a 批量督办: its id (a case id for manual, an alert id for alert) and how to name it. */
export interface BatchTarget {
  id: number
  label: string
}

/** The answer of a 批量督办, one item per selected id in the order sent. */
export interface BatchOrderResult {
  issued: number
  refused: number
  items: { id: number; status: 'issued' | 'refused'; order_id?: number; code?: string; message?: string }[]
}

export const oversightApi = {
  alerts: (query: AlertQuery) => api.get<Paged<Alert>>('/api/alerts', query),
  /** The alert list with the same filters as an XLSX sheet (中文 headers). */
  exportAlerts: (query: AlertQuery) => downloadFile('/api/alerts/export', query, '预警告警.xlsx'),
  /** 导出所选: the chosen alerts (any state) with the export's columns. */
  exportSelectedAlerts: (ids: number[]) => downloadFile('/api/alerts/export', { ids: ids.join(',') }, '预警告警（所选）.xlsx'),
  caseAlerts: (caseId: number) => api.get<{ case_id: number; items: Alert[] }>(`/api/cases/${caseId}/alerts`),
  violations: (query: ViolationQuery) =>
    api.get<Paged<Violation>>('/api/violations', query),
  reviewQueue: (query: ReviewQueueQuery) =>
    api.get<Paged<ReviewQueueItem> & { pending_total: number }>('/api/reviews/queue', { ...query }),
  exportReviewQueue: (query: ReviewQueueQuery) => downloadFile('/api/reviews/queue/export', { ...query }, '法制审核.xlsx'),
  caseReviews: (caseId: number) => api.get<{ case_id: number; items: Review[] }>(`/api/cases/${caseId}/reviews`),
  /** 法制审核意见书 of one review: the print page and the DOCX. */
  reviewOpinionUrl: (caseId: number, reviewId: number) => buildUrl(`/api/cases/${caseId}/reviews/${reviewId}/print`),
  reviewOpinionDocx: (caseId: number, reviewId: number) =>
    downloadFile(`/api/cases/${caseId}/reviews/${reviewId}/docx`, {}, `法制审核意见书（第${reviewId}号）.docx`),
  addReview: (caseId: number, body: { stage: string; verdict: string; comment: string; findings: Finding[] }) =>
    api.post<Review>(`/api/cases/${caseId}/reviews`, body, { silent: true }),
  orders: (query: OrderQuery) =>
    api.get<Paged<Order>>('/api/supervision-orders', query),
  order: (id: number) => api.get<Order>(`/api/supervision-orders/${id}`),
  /** 督办通知书: the DOCX download and the print page (GB/T 9704 layout). */
  orderNoticeDocx: (id: number) => downloadFile(`/api/supervision-orders/${id}/docx`, {}, `督办通知书（第${id}号）.docx`),
  orderNoticeUrl: (id: number) => buildUrl(`/api/supervision-orders/${id}/print`),
  /** The 督办 list as XLSX, with the list's filters. */
  exportOrders: (query: OrderQuery) => downloadFile('/api/supervision-orders/export', { ...query }, '督办.xlsx'),
  createOrder: (body: Record<string, unknown>) => api.post<Order>('/api/supervision-orders', body, { silent: true }),
  /** 批量督办: one order per id (case ids for manual, alert ids for alert); every row issued or refused. */
  batchOrders: (body: Record<string, unknown>) =>
    api.post<BatchOrderResult>('/api/supervision-orders/batch', body, { silent: true }),
  orderAction: (id: number, action: 'close' | 'return' | 'suspend' | 'resume', body: Record<string, unknown>) =>
    api.post<Order>(`/api/supervision-orders/${id}/${action}`, body, { silent: true }),
  unreadCount: () => api.get<{ unread: number }>('/api/notifications/unread-count', undefined, { silent: true }),
  notifications: (query: NotificationQuery) =>
    api.get<Paged<Notification>>('/api/notifications', query),
  markRead: (id: number) => api.post(`/api/notifications/${id}/read`),
  markAllRead: () => api.post<{ ok: boolean; marked: number }>('/api/notifications/read-all'),
  metrics: (month: string, unitId?: number | null) =>
    api.get<MetricsReport>('/api/metrics', { month, unit_id: unitId ?? undefined }),
  exportMetrics: (month: string, unitId?: number | null) =>
    downloadFile('/api/metrics/export', { month, unit_id: unitId ?? undefined }, `平台应用考核_${month}.xlsx`),

  /** The active rule catalog (quiet: a page that only lists rule names does without). */
  ruleCatalog: () =>
    api.get<ConfigDocState & { catalog: RuleCatalog | null }>('/api/oversight/catalog', undefined, { silent: true }),
  configDoc: (kind: ConfigDocKind) => api.get<ConfigDocState>(`/api/oversight/${kind}`, undefined, { silent: true }),
  /** Saves a new version; with activate, it becomes the one in force and cases are re-evaluated. */
  saveConfigDoc: (kind: ConfigDocKind, document: unknown, note: string, activate: boolean) =>
    api.put<{ version: number; active: boolean }>(
      `/api/oversight/${kind}`,
      { [kind]: document, note, activate },
      { silent: true },
    ),
  configVersion: (kind: ConfigDocKind, version: number) =>
    api.get<ConfigDocState>(`/api/oversight/${kind}/versions/${version}`),
  activateConfigVersion: (kind: ConfigDocKind, version: number) =>
    api.post(`/api/oversight/${kind}/versions/${version}/activate`),
  reevaluation: () => api.get<ReevaluationJob>('/api/oversight/reevaluation', undefined, { silent: true }),
  reviewGates: () => api.get<{ gates: ReviewGate[] }>('/api/oversight/review-gates', undefined, { silent: true }),
  saveReviewGates: (gates: ReviewGate[]) => api.put('/api/oversight/review-gates', { gates }, { silent: true }),

  /** An order attachment as a download (its url comes with the order). */
  downloadAttachment: (url: string, name: string) => downloadFile(url, {}, name),
}

/** The responsible officer answers a 督办 item: 整改 text plus attachments (field `file`). */
export function answerOrder(id: number, text: string, files: File[]): Promise<Order> {
  const form = new FormData()
  form.append('text', text)
  for (const f of files) form.append('file', f, f.name)
  return postForm<Order>(`/api/supervision-orders/${id}/answer`, form, { silent: true })
}
