// The unread-notification count shared by the header bell and the notification page.
import { ref } from 'vue'
import { oversightApi } from './api'

export const unreadCount = ref(0)

/** Asks the server again after something was marked read. */
export function notificationsChanged(): void {
  oversightApi
    .unreadCount()
    .then((r) => (unreadCount.value = r.unread ?? 0))
    .catch(() => undefined)
}
