// The side menu and the home page's entry cards, built from the pages' metadata
// (meta.title, meta.perm, meta.menu, meta.home) and the modules' menu groups.
import { markRaw, type Component } from 'vue'
import type { RouteLocationNormalizedLoaded, RouteRecordNormalized } from 'vue-router'
import type { MenuGroup } from './types'

export interface MenuItem {
  /** The route name, or the group key; the entry's data-testid is `menu-<key>`. */
  key: string
  label: string
  /** The page's path; for a group, only a unique index for el-menu. */
  path: string
  icon?: Component
  children?: MenuItem[]
}

type Can = (perm: string) => boolean

interface Placed {
  order: number
  item: MenuItem
}

const byOrder = (a: Placed, b: Placed) => a.order - b.order
const allowed = (r: RouteRecordNormalized, can: Can) => !r.meta.perm || can(r.meta.perm)
const icon = (c: Component | undefined) => (c ? markRaw(c) : undefined)

/**
 * The entries the user may open: top-level pages and groups in their order, each group with its
 * permitted pages in order; a group none of whose pages is permitted is left out.
 */
export function buildMenu(records: RouteRecordNormalized[], groups: MenuGroup[], can: Can): MenuItem[] {
  const top: Placed[] = []
  const children = new Map<string, Placed[]>()
  for (const r of records) {
    const menu = r.meta.menu
    if (!menu || !allowed(r, can)) continue
    const item: MenuItem = { key: String(r.name ?? r.path), label: r.meta.title ?? '', path: r.path }
    if (menu.group) {
      if (!children.has(menu.group)) children.set(menu.group, [])
      children.get(menu.group)!.push({ order: menu.order, item })
    } else top.push({ order: menu.order, item: { ...item, icon: icon(menu.icon) } })
  }
  for (const g of groups) {
    const entries = children.get(g.key)
    if (!entries?.length) continue
    top.push({
      order: g.order,
      item: { key: g.key, label: g.title, path: `/${g.key}`, icon: icon(g.icon), children: entries.sort(byOrder).map((p) => p.item) },
    })
  }
  return top.sort(byOrder).map((p) => p.item)
}

/**
 * The menu entry to highlight: the longest entry path the page lies under (/cases/12 → 案件列表,
 * /cases/import → 数据导入), else the entry the page names in meta.activeMenu, else 首页.
 */
export function activeMenuPath(route: RouteLocationNormalizedLoaded, records: RouteRecordNormalized[]): string {
  const entries = records.filter((r) => r.meta.menu)
  const hits = entries.filter((r) => r.path !== '/' && (route.path === r.path || route.path.startsWith(`${r.path}/`)))
  hits.sort((a, b) => b.path.length - a.path.length)
  if (hits.length) return hits[0].path
  const named = route.meta.activeMenu && entries.find((r) => r.name === route.meta.activeMenu)
  if (named) return named.path
  return '/'
}

export interface HomeEntry {
  title: string
  desc: string
  path: string
  icon: Component
}

/** The home page's entry cards the user may open, in their order. */
export function homeCards(records: RouteRecordNormalized[], can: Can): HomeEntry[] {
  return records
    .filter((r) => r.meta.home && allowed(r, can))
    .sort((a, b) => a.meta.home!.order - b.meta.home!.order)
    .map((r) => {
      const h = r.meta.home!
      return { title: h.title ?? r.meta.title ?? '', desc: h.desc, path: r.path, icon: markRaw(h.icon) }
    })
}

export interface Crumb {
  title: string
  /** Where it leads; none for the current page and for a menu group. */
  path?: string
}

/**
 * The breadcrumb of a page: 首页 › its menu group › the list page it lies under (for a detail
 * page such as /orders/12 → 督办) › the page itself.
 */
export function breadcrumbs(
  route: RouteLocationNormalizedLoaded,
  records: RouteRecordNormalized[],
  groups: MenuGroup[],
): Crumb[] {
  const out: Crumb[] = [{ title: '首页', path: '/' }]
  if (route.path === '/') return [{ title: '首页' }]
  const entryPath = activeMenuPath(route, records)
  const entry = records.find((r) => r.path === entryPath && r.meta.menu)
  const group = entry?.meta.menu?.group ? groups.find((g) => g.key === entry.meta.menu?.group) : undefined
  if (group) out.push({ title: group.title })
  if (entry && entry.path !== '/' && entry.path !== route.path && entry.meta.title) out.push({ title: entry.meta.title, path: entry.path })
  out.push({ title: route.meta.title ?? '' })
  return out
}
