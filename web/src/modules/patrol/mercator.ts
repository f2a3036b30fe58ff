// Web-Mercator (EPSG:3857) XYZ tile math for the 巡区 map: world pixels at zoom z (256 × 2^z across),
// the zoom that fits a bounding box into the view, the tiles covering the view and a tile URL from
// a template such as `http://pgis.local/{z}/{x}/{y}.png`. Pure; used by MapView.vue.
import type { LngLat } from './api'

export const TILE = 256
const MAX_LAT = 85.05112878

export function worldPx(p: LngLat, z: number): [number, number] {
  const size = TILE * 2 ** z
  const lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, p[1]))
  const s = Math.sin((lat * Math.PI) / 180)
  return [((p[0] + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size]
}

export function lngLatOf(x: number, y: number, z: number): LngLat {
  const size = TILE * 2 ** z
  const lon = (x / size) * 360 - 180
  const n = Math.PI - (2 * Math.PI * y) / size
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n))
  return [lon, lat]
}

export interface View {
  z: number
  ox: number // world pixel x of the view's left edge
  oy: number // world pixel y of the view's top edge
  w: number
  h: number
}

// The largest integer zoom (≤ maxZ) at which `pts` fit into w×h less a margin, centred; an empty
// set centres on `fallback` at zoom 13.
export function fitView(pts: LngLat[], w: number, h: number, fallback: LngLat, margin = 30, maxZ = 18): View {
  if (!pts.length) {
    const [cx, cy] = worldPx(fallback, 13)
    return { z: 13, ox: cx - w / 2, oy: cy - h / 2, w, h }
  }
  let z = maxZ
  for (; z > 1; --z) {
    const xy = pts.map((p) => worldPx(p, z))
    const dx = Math.max(...xy.map((q) => q[0])) - Math.min(...xy.map((q) => q[0]))
    const dy = Math.max(...xy.map((q) => q[1])) - Math.min(...xy.map((q) => q[1]))
    if (dx <= w - 2 * margin && dy <= h - 2 * margin) break
  }
  const xy = pts.map((p) => worldPx(p, z))
  const cx = (Math.max(...xy.map((q) => q[0])) + Math.min(...xy.map((q) => q[0]))) / 2
  const cy = (Math.max(...xy.map((q) => q[1])) + Math.min(...xy.map((q) => q[1]))) / 2
  return { z, ox: cx - w / 2, oy: cy - h / 2, w, h }
}

export interface Tile {
  z: number
  x: number
  y: number
  left: number // position in the view
  top: number
}

// Tiles covering the view; x wraps around the antimeridian, rows outside the world are skipped.
export function tilesFor(v: View): Tile[] {
  const n = 2 ** v.z
  const out: Tile[] = []
  for (let ty = Math.floor(v.oy / TILE); ty * TILE < v.oy + v.h; ++ty) {
    if (ty < 0 || ty >= n) continue
    for (let tx = Math.floor(v.ox / TILE); tx * TILE < v.ox + v.w; ++tx)
      out.push({ z: v.z, x: ((tx % n) + n) % n, y: ty, left: tx * TILE - v.ox, top: ty * TILE - v.oy })
  }
  return out
}

export function tileUrl(template: string, t: { z: number; x: number; y: number }): string {
  return template.replace('{z}', String(t.z)).replace('{x}', String(t.x)).replace('{y}', String(t.y))
}
