import type { Unit } from './api'

export interface UnitNode extends Unit {
  children: UnitNode[]
}

/**
 * Builds the unit forest from the flat list GET /api/units returns. A unit whose parent is
 * outside the caller's scope (or missing) becomes a root, so a 派出所 user sees their own
 * unit at the top. Children are ordered by level, then code, then name.
 */
export function buildUnitTree(units: Unit[]): UnitNode[] {
  const byId = new Map<number, UnitNode>()
  for (const u of units) byId.set(u.id, { ...u, children: [] })
  const roots: UnitNode[] = []
  for (const node of byId.values()) {
    const parent = node.parent_id !== null && node.parent_id !== undefined ? byId.get(node.parent_id) : undefined
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  const levelRank: Record<string, number> = { city: 0, bureau: 1, team: 2 }
  const sortRec = (nodes: UnitNode[]) => {
    nodes.sort(
      (a, b) =>
        (levelRank[a.level] ?? 9) - (levelRank[b.level] ?? 9) ||
        // Units with a 机构代码 in code order; those without one after them.
        (a.code ? 0 : 1) - (b.code ? 0 : 1) ||
        (a.code || '').localeCompare(b.code || '') ||
        a.name.localeCompare(b.name, 'zh-CN'),
    )
    for (const n of nodes) sortRec(n.children)
  }
  sortRec(roots)
  return roots
}

/** Total people in a unit and all units below it. */
export function subtreePeople(node: UnitNode): number {
  return node.children.reduce((sum, c) => sum + subtreePeople(c), node.person_count || 0)
}

/**
 * "城区分局 / 城南派出所": the names from the top of the caller's visible tree down to the unit.
 * (The server's `path` field is a materialised path of ids, not for display.)
 */
export function unitNamePath(units: Unit[], id: number | null | undefined): string {
  const byId = new Map(units.map((u) => [u.id, u]))
  const names: string[] = []
  const seen = new Set<number>()
  let cur = id !== null && id !== undefined ? byId.get(id) : undefined
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id)
    names.unshift(cur.name)
    cur = cur.parent_id !== null && cur.parent_id !== undefined ? byId.get(cur.parent_id) : undefined
  }
  return names.join(' / ')
}
