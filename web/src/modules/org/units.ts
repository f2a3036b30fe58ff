// A shared, cached copy of the caller's units for tree-selects and filters.
import { computed, ref } from 'vue'
import { orgApi, type Unit } from './api'
import { buildUnitTree } from './tree'

const units = ref<Unit[]>([])
let pending: Promise<Unit[]> | null = null

export async function refreshUnits(): Promise<Unit[]> {
  pending = orgApi
    .units()
    .then((res) => {
      units.value = res.items ?? []
      return units.value
    })
    .finally(() => {
      pending = null
    })
  return pending
}

/** The cached list, or the request already under way, or a new one. */
export function ensureUnits(): Promise<Unit[]> {
  if (pending) return pending
  if (units.value.length) return Promise.resolve(units.value)
  return refreshUnits()
}

export function useUnits() {
  ensureUnits().catch(() => undefined)
  const tree = computed(() => buildUnitTree(units.value))
  const nameOf = (id: number | null | undefined) => units.value.find((u) => u.id === id)?.name ?? ''
  return { units, tree, nameOf, refresh: refreshUnits, ensure: ensureUnits }
}

/** Forgets the cache (on logout, so another user does not see the previous one's units). */
export function clearUnits(): void {
  units.value = []
}
