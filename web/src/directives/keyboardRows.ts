// v-keyboard-rows on an el-table whose rows open something on click (@row-click): every row can
// be reached with Tab and opened with Enter or Space, as with the mouse.
import type { Directive } from 'vue'

type Host = HTMLElement & { __kbRows?: { observer: MutationObserver; onKey: (e: KeyboardEvent) => void } }

function markRows(el: HTMLElement) {
  el.querySelectorAll<HTMLTableRowElement>('.el-table__body-wrapper tr.el-table__row').forEach((tr) => {
    if (tr.tabIndex !== 0) tr.tabIndex = 0
  })
}

export const keyboardRows: Directive<HTMLElement> = {
  mounted(el) {
    const host = el as Host
    const onKey = (e: KeyboardEvent) => {
      const tr = e.target as HTMLElement
      if ((e.key === 'Enter' || e.key === ' ') && tr.matches?.('tr.el-table__row')) {
        e.preventDefault()
        // The first cell: el-table's row-click listens on the cells' row.
        ;(tr.querySelector('td') ?? tr).click()
      }
    }
    const observer = new MutationObserver(() => markRows(el))
    observer.observe(el, { childList: true, subtree: true })
    el.addEventListener('keydown', onKey)
    host.__kbRows = { observer, onKey }
    markRows(el)
  },
  unmounted(el) {
    const host = el as Host
    host.__kbRows?.observer.disconnect()
    if (host.__kbRows) el.removeEventListener('keydown', host.__kbRows.onKey)
  },
}
