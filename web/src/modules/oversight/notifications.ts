// The unread-notification count shared by the header bell and the notification page.
import { ref } from 'vue'
import { oversightApi, type Notification } from './api'

export const unreadCount = ref(0)

/** Asks the server again after something was marked read. */
export function notificationsChanged(): void {
  oversightApi
    .unreadCount()
    .then((r) => (unreadCount.value = r.unread ?? 0))
    .catch(() => undefined)
}

/**
 * Where a notification opens: its object (对象) — the 督办 order, the review or the violation on
 * its case's tab, the case — or null when it has nothing to open.
 */
export function notificationTarget(n: Notification): { path: string; query?: Record<string, string>; label: string } | null {
  const id = n.object_id
  if (n.object_type === 'supervision_order' && id) return { path: `/orders/${id}`, label: '查看督办' }
  if (n.object_type === 'inspection_task' && id) return { path: `/inspections/tasks/${id}`, label: '查看巡查任务' }
  if (n.object_type === 'intake_ticket' && id) return { path: `/intake/tickets/${id}`, label: '查看接报' }
  if (n.object_type === 'training_plan') return { path: '/training/plans', label: '查看学法计划' }
  if (n.object_type === 'patrol_dispute' && id)
    return { path: '/patrol/disputes', query: { dispute: String(id) }, label: '查看矛盾纠纷' }
  if (n.object_type === 'inspection_finding' && id)
    return { path: '/inspections/findings', query: { finding: String(id) }, label: '查看巡查问题' }
  if (!n.case_id) return null
  const path = `/cases/${n.case_id}`
  if (n.object_type === 'review') return { path, query: { tab: 'reviews', review: String(id ?? '') }, label: '查看审核' }
  if (n.object_type === 'violation' || n.object_type === 'review_finding')
    return { path, query: { tab: 'violations' }, label: '查看违规' }
  return { path, label: '查看案件' }
}
