// What a module declares about its pages. Each module's routes.ts exports `routes` (and, when it
// opens a menu group of its own, `menuGroups`); src/router/index.ts collects them, the layout
// builds the side menu and the home page its entry cards from this metadata alone.
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

/** A page's entry in the side menu. */
export interface MenuEntry {
  /** Key of a menu group (declared by some module's `menuGroups`); none: a top-level entry. */
  group?: string
  /** Place among the top level (a top-level entry) or within its group; smaller first. */
  order: number
  /** Shown for top-level entries only (a group shows the group's icon). */
  icon?: Component
}

/** A sub-menu that pages of one or more modules join through `meta.menu.group`. */
export interface MenuGroup {
  /** Also the menu's data-testid: `menu-<key>`. */
  key: string
  title: string
  /** Place among the top-level entries. */
  order: number
  icon: Component
}

/** A page's entry card on the home page (shown with the page's permission). */
export interface HomeCard {
  /** Defaults to the page title. */
  title?: string
  desc: string
  order: number
  icon: Component
}

/** What a module's routes.ts exports. */
export interface ModuleRoutes {
  routes: RouteRecordRaw[]
  menuGroups?: MenuGroup[]
}

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean
    /** Permission needed to open the page (and to see its menu entry and home card). */
    perm?: string
    /** The page title (browser tab, menu entry, home card). */
    title?: string
    /** Rendered outside the main layout: no menu, no header (login, print pages). */
    bare?: boolean
    menu?: MenuEntry
    /** For a page without a menu entry: the route name whose entry stays highlighted. */
    activeMenu?: string
    home?: HomeCard
  }
}
