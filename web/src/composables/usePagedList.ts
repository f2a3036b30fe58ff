// The state of a server-paged list — page, page size, total, rows, loading, sort — in one place,
// so every list page pages, sorts and reloads the same way. Pair it with <ListPager :list="…" />.
//
//   const list = usePagedList((p) => orgApi.people({ ...filterQuery(), ...p }))
//   onMounted(list.load)
//   <el-table v-loading="list.loading" :data="list.rows" @sort-change="list.onSortChange">
//   <ListPager :list="list" />
//
// The page's filters stay the page's own (a reactive object it reads in the fetcher); after a
// filter changes it calls list.search() (back to page 1), after an edit list.load() (same page).
// With `urlQuery`, the filters, sort and page are kept in the address on every load, so the back
// button and a bookmark return to the same list; the page reads its filters from the address at
// start (queryText / queryId below), the composable reads page, page_size, sort and order.
import { computed, reactive, ref, type Ref } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'
import type { Query } from '@/api/client'
import type { Paged } from '@/api/types'

export type SortOrder = 'asc' | 'desc'

/** What the fetcher adds to its filters: the page, and the sort when one is chosen. */
export interface PageRequest {
  page: number
  page_size: number
  sort?: string
  order?: SortOrder
}

export interface PagedListOptions {
  /** Rows per page at first; the address leaves this size out. Default 20. */
  pageSize?: number
  /**
   * Table column prop → the server's sort field, for columns whose prop is not the field's name
   * (unit_name → unit). A column not listed sorts by its prop.
   */
  sortFields?: Record<string, string>
  /** Keep the list in the address: answers the filter part; sort, order, page and page_size are added. */
  urlQuery?: () => Query
}

/** What <ListPager> needs: server lists (usePagedList) and local ones (useLocalPaging) both have it. */
export interface Pageable {
  page: number
  pageSize: number
  total: number
  /** The page changed. */
  load(): unknown
  /** The page size changed (back to page 1). */
  search(): unknown
}

type TableSortOrder = 'ascending' | 'descending'

/** Any page answer: Paged<Row>, possibly with more fields (total_capped …). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the row type comes from the answer
export type AnyPaged = Paged<any>

export interface PagedList<R extends AnyPaged> extends Pageable {
  rows: R['items']
  loading: boolean
  /** The last answer, for what a list sends besides its rows (total_capped …). */
  last: R | null
  /** The sort in force: a server field ('' none) and its order. */
  sort: { field: string; order: SortOrder }
  /** For el-table's default-sort: the column of the sort in force. */
  defaultSort: { prop: string; order: TableSortOrder } | undefined
  /** Loads the current page (also after an edit). */
  load(): Promise<void>
  /** Back to page 1 and load: after a filter or the page size changed. */
  search(): Promise<void>
  /** For el-table's @sort-change: sort on the server by that column, from page 1. */
  onSortChange(e: { prop: string; order: TableSortOrder | null }): void
}

/** A text filter from the address: ?status=open → 'open'; absent → ''. */
export function queryText(query: LocationQuery, key: string): string {
  const v = query[key]
  return typeof v === 'string' ? v : ''
}

/** An id filter from the address: ?unit_id=12 → 12; absent or not a positive number → null. */
export function queryId(query: LocationQuery, key: string): number | null {
  const n = Number(query[key])
  return Number.isFinite(n) && n > 0 ? n : null
}

export function usePagedList<R extends AnyPaged>(
  fetcher: (req: PageRequest) => Promise<R>,
  options: PagedListOptions = {},
): PagedList<R> {
  const defaultSize = options.pageSize ?? 20
  const sortFields = options.sortFields ?? {}
  const route = options.urlQuery ? useRoute() : null
  const router = options.urlQuery ? useRouter() : null
  const initial = route?.query ?? {}

  const rows = ref([]) as Ref<R['items']>
  const last = ref(null) as Ref<R | null>
  const total = ref(0)
  const loading = ref(false)
  const page = ref(queryId(initial, 'page') ?? 1)
  const pageSize = ref(queryId(initial, 'page_size') ?? defaultSize)
  const sort = reactive({ field: queryText(initial, 'sort'), order: (queryText(initial, 'order') || 'desc') as SortOrder })

  const defaultSort = computed(() => {
    if (!sort.field) return undefined
    const prop = Object.entries(sortFields).find(([, f]) => f === sort.field)?.[0] ?? sort.field
    return { prop, order: sort.order === 'asc' ? ('ascending' as const) : ('descending' as const) }
  })

  function keepInAddress() {
    if (!options.urlQuery || !router) return
    const all: Query = {
      ...options.urlQuery(),
      sort: sort.field || undefined,
      order: sort.field ? sort.order : undefined,
      page: page.value > 1 ? page.value : undefined,
      page_size: pageSize.value !== defaultSize ? pageSize.value : undefined,
    }
    const query: Record<string, string> = {}
    for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== null && v !== '') query[k] = String(v)
    router.replace({ query }).catch(() => undefined)
  }

  // Only the answer to the latest request is shown (a slow earlier one may arrive after it).
  let seq = 0
  async function load() {
    const mine = ++seq
    loading.value = true
    keepInAddress()
    const req: PageRequest = { page: page.value, page_size: pageSize.value }
    if (sort.field) {
      req.sort = sort.field
      req.order = sort.order
    }
    try {
      const res = await fetcher(req)
      if (mine !== seq) return
      last.value = res
      rows.value = res.items ?? []
      total.value = res.total ?? 0
    } catch {
      /* the client has shown the server's message */
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function search() {
    page.value = 1
    return load()
  }

  function onSortChange({ prop, order }: { prop: string; order: TableSortOrder | null }) {
    sort.field = order ? sortFields[prop] ?? prop : ''
    if (order) sort.order = order === 'ascending' ? 'asc' : 'desc'
    search()
  }

  return reactive({ rows, last, total, loading, page, pageSize, sort, defaultSort, load, search, onSortChange }) as PagedList<R>
}

export interface LocalPaging<T> extends Pageable {
  /** The rows of the current page. */
  rows: T[]
}

/**
 * Pages of a list that is already loaded whole (rankings, year totals): the same <ListPager>,
 * the slicing done here. Set page = 1 when the list is filtered anew.
 */
export function useLocalPaging<T>(items: () => T[], pageSize = 50): LocalPaging<T> {
  const page = ref(1)
  const size = ref(pageSize)
  const all = computed(items)
  const rows = computed(() => all.value.slice((page.value - 1) * size.value, page.value * size.value))
  const total = computed(() => all.value.length)
  return reactive({
    page,
    pageSize: size,
    total,
    rows,
    load: () => undefined,
    search: () => {
      page.value = 1
    },
  }) as LocalPaging<T>
}
