// 五化巡防 map page (issue 15 items 1–2) in headless Chromium against a real `fazhi serve` on the demo
// database. The 局领导 draws a 巡区 by clicking vertices (undoing one), names it and saves it; a
// self-crossing drawing is refused with the server's Chinese message on the page and nothing is
// stored; a 必到点 is placed inside the new 巡区, the area renamed, the point deleted; the unit's
// geometry is exported as GeoJSON (the download parsed) and a GeoJSON file imported from disk.
// With the bureau's tile_url set, the page requests Web-Mercator XYZ tiles of the right form (served
// by a playwright route with a generated PNG; the tile of a known vertex is checked with the test's
// own formula) and draws the geometry over them; with every tile failing the geometry still shows.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test patrol_map.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import zlib from 'node:zlib'
import { Harness, eventually } from './lib/harness.mjs'
import { ApiClient } from './lib/api.mjs'
import { DEMO_PASSWORD, input, login } from './lib/ui.mjs'

const h = new Harness()

// A 256×256 RGB PNG: pale background with a grid, so a screenshot shows where tiles are.
function tilePng() {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(td) >>> 0)
    return Buffer.concat([len, td, crc])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(256, 0)
  ihdr.writeUInt32BE(256, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const raw = Buffer.alloc(256 * (1 + 256 * 3))
  for (let y = 0; y < 256; ++y) {
    const row = y * (1 + 256 * 3)
    for (let x = 0; x < 256; ++x) {
      const line = x % 64 === 0 || y % 64 === 0
      raw[row + 1 + x * 3] = line ? 200 : 236
      raw[row + 2 + x * 3] = line ? 210 : 232
      raw[row + 3 + x * 3] = line ? 190 : 220
    }
  }
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

// Web-Mercator tile of a lon/lat at zoom z (written here independently of web/src/modules/patrol/mercator.ts).
function tileOf(lon, lat, z) {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)]
}

// "networkidle" waits for every tile image as well. In one full suite run on a 2-core machine it
// took over the default 15 s once (2026-12-06), so the map gets longer to settle; the assertions after it
// still check what was drawn and requested.
const SETTLE_MS = 45_000

async function settle(page) {
  await page.getByTestId('patrol-map').first().waitFor()
  await page.waitForLoadState('networkidle', { timeout: SETTLE_MS })
  await page.waitForTimeout(300)
}

// Clicks the map at fractions (fx, fy) of its box.
async function clickMap(page, fx, fy) {
  const box = await page.getByTestId('patrol-map').boundingBox()
  await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy)
}

async function drawArea(page, corners) {
  await page.getByTestId('draw-area').click()
  for (const [fx, fy] of corners) await clickMap(page, fx, fy)
}

describe('五化巡防地图：画巡区、放必到点、导入导出与瓦片底图', { timeout: 900_000 }, () => {
  let leader
  before(async () => {
    // The tile service must be named to the server: its Content-Security-Policy lets images load
    // from this server and the named tile origins only.
    await h.start({ serveArgs: ['--map-tile-origin', 'http://pgis.local'] })
    leader = new ApiClient(h.baseURL)
    await leader.login('leader', DEMO_PASSWORD)
  })
  after(async () => {
    await h.stop()
  })

  it('局领导在地图上画巡区与必到点，修改、删除；自相交的边界被拒绝且不保存', async () => {
    const page = await h.newPage()
    await login(page, 'leader')
    await page.goto('/patrol/map')
    await settle(page)
    const before = (await leader.get('/api/patrol/map')).areas.length

    // Four vertices, a wrong fifth one undone, closed and named.
    await drawArea(page, [[0.04, 0.05], [0.16, 0.05], [0.16, 0.2], [0.5, 0.9], ])
    assert.match(await page.getByTestId('draw-hint').innerText(), /已 4 个/)
    await page.getByTestId('undo').click()
    await clickMap(page, 0.04, 0.2)
    assert.equal(await page.locator('[data-testid="draft"] circle').count(), 4)
    await h.screenshot(page, 'patrol-map-drawing')
    await page.getByTestId('close-ring').click()
    await input(page, 'area-name').fill('画的巡区')
    await page.getByTestId('save-area').click()
    await page.locator('svg[data-testid="patrol-map"] text', { hasText: '画的巡区' }).waitFor()
    let map = await leader.get('/api/patrol/map')
    assert.equal(map.areas.length, before + 1)
    const drawn = map.areas.find((a) => a.name === '画的巡区')
    assert.equal(drawn.ring.length, 4)
    assert.equal(drawn.in_town, true)

    // A bow-tie: the server's 400 self_intersecting in Chinese on the page; nothing stored.
    await drawArea(page, [[0.8, 0.7], [0.95, 0.9], [0.95, 0.7], [0.8, 0.9]])
    await page.getByTestId('close-ring').click()
    await input(page, 'area-name').fill('交叉的巡区')
    await page.getByTestId('save-area').click()
    await page.getByTestId('draw-error').waitFor()
    assert.match(await page.getByTestId('draw-error').innerText(), /巡区“交叉的巡区”的边界自相交/)
    await h.screenshot(page, 'patrol-map-self-intersecting')
    assert.equal((await leader.get('/api/patrol/map')).areas.length, before + 1)
    await page.getByTestId('cancel-draw').click()

    // A 必到点 clicked inside the new area is filed under it.
    await page.getByTestId('draw-point').click()
    const poly = await page.locator('svg[data-testid="patrol-map"] g', { has: page.locator('text', { hasText: '画的巡区' }) }).locator('polygon').boundingBox()
    await page.mouse.click(poly.x + poly.width / 2, poly.y + poly.height / 2)
    await input(page, 'point-name').fill('画的必到点')
    await input(page, 'radius').fill('60')
    await input(page, 'min-stay').fill('10')
    await page.getByTestId('save-point').click()
    // Point labels show from zoom 14 on (or with few points); the tooltip title always.
    await page.locator('svg[data-testid="patrol-map"] title', { hasText: '画的必到点' }).waitFor({ state: 'attached' })
    map = await leader.get('/api/patrol/map')
    const pt = map.points.find((p) => p.name === '画的必到点')
    assert.equal(pt.area_name, '画的巡区')
    assert.equal(pt.radius_m, 60)
    assert.equal(pt.min_stay_s, 600)
    await h.screenshot(page, 'patrol-map-drawn')

    // Renamed as a rural area.
    const areaRow = page.getByTestId('area-list').locator('tr', { hasText: '画的巡区' })
    await areaRow.getByTestId('edit-area').click()
    await input(page, 'area-name').fill('改名的巡区')
    await page.getByTestId('in-town').click()
    await page.getByTestId('save-area').click()
    await page.locator('svg[data-testid="patrol-map"] text', { hasText: '改名的巡区' }).waitFor()
    map = await leader.get('/api/patrol/map')
    assert.equal(map.areas.find((a) => a.id === drawn.id).in_town, false)

    // The point deleted after the confirmation.
    await page.getByTestId('point-list').locator('tr', { hasText: '画的必到点' }).getByTestId('delete-point').click()
    await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click()
    await eventually(async () => !(await leader.get('/api/patrol/map')).points.some((p) => p.name === '画的必到点'))
    await page.locator('svg[data-testid="patrol-map"] title', { hasText: '画的必到点' }).waitFor({ state: 'detached' })
  })

  it('导出本单位巡区为 GeoJSON，并从文件导入', async () => {
    const page = await h.newPage()
    await login(page, 'leader')
    await page.goto('/patrol/map')
    await settle(page)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()])
    assert.match(download.suggestedFilename(), /\.geojson$/)
    const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'))
    assert.equal(doc.type, 'FeatureCollection')
    const map = await leader.get('/api/patrol/map')
    assert.equal(doc.features.length, map.areas.length + map.points.length)
    const renamed = doc.features.find((f) => f.properties.name === '改名的巡区')
    assert.equal(renamed.geometry.type, 'Polygon')
    assert.deepEqual(renamed.geometry.coordinates[0][0], renamed.geometry.coordinates[0].at(-1)) // closed ring
    assert.equal(renamed.properties.in_town, false)

    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: '文件导入巡区', in_town: true }, geometry: { type: 'Polygon', coordinates: [[[108.7, 34.1], [108.705, 34.1], [108.705, 34.105], [108.7, 34.105], [108.7, 34.1]]] } },
        { type: 'Feature', properties: { name: '文件导入必到点', radius: 40, min_stay: 120 }, geometry: { type: 'Point', coordinates: [108.702, 34.102] } },
      ],
    }
    await page.getByTestId('geojson-file').setInputFiles({ name: '巡区.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) })
    await page.getByTestId('import-result').waitFor()
    assert.match(await page.getByTestId('import-result').innerText(), /巡区 1 个、必到点 1 个/)
    await page.locator('svg[data-testid="patrol-map"] text', { hasText: '文件导入巡区' }).waitFor()
    const after = await leader.get('/api/patrol/map')
    assert.equal(after.points.find((p) => p.name === '文件导入必到点').area_name, '文件导入巡区')
  })

  it('配置瓦片服务后按 Web 墨卡托 XYZ 请求瓦片，巡区画在瓦片之上；瓦片加载失败时仍显示巡区', async () => {
    const t = await leader.get('/api/patrol/targets')
    await leader.request('PUT', '/api/patrol/targets', { ...t, tile_url: 'http://pgis.local/{z}/{x}/{y}.png' })
    const png = tilePng()
    const page = await h.newPage()
    const requested = []
    await page.route('http://pgis.local/**', (route) => {
      requested.push(route.request().url())
      return route.fulfill({ status: 200, contentType: 'image/png', body: png })
    })
    await login(page, 'leader')
    await page.goto('/patrol/map')
    await settle(page)
    await eventually(() => requested.length > 0, { message: '没有请求瓦片' })
    await page.waitForLoadState('networkidle', { timeout: SETTLE_MS })
    const parsed = requested.map((u) => u.match(/^http:\/\/pgis\.local\/(\d+)\/(\d+)\/(\d+)\.png$/))
    assert.ok(parsed.every(Boolean), `瓦片地址格式不对：${requested.join(' ')}`)
    const zs = new Set(parsed.map((m) => Number(m[1])))
    assert.equal(zs.size, 1)
    const z = [...zs][0]
    assert.ok(z >= 3 && z <= 18, `缩放级别 ${z}`)
    const map = await leader.get('/api/patrol/map')
    const tiles = new Set(parsed.map((m) => `${m[2]}/${m[3]}`))
    for (const a of map.areas) {
      const [x, y] = tileOf(a.ring[0][0], a.ring[0][1], z)
      assert.ok(tiles.has(`${x}/${y}`), `巡区“${a.name}”的顶点所在瓦片 ${z}/${x}/${y} 未被请求`)
    }
    // The tiles come first in the SVG, the geometry after (on top); every tile loaded.
    const order = await page.evaluate(() => {
      const svg = document.querySelector('svg[data-testid="patrol-map"]')
      const tile = svg.querySelector('image')
      const poly = svg.querySelector('polygon')
      return { before: !!(tile.compareDocumentPosition(poly) & Node.DOCUMENT_POSITION_FOLLOWING), images: svg.querySelectorAll('image').length }
    })
    assert.ok(order.before)
    assert.equal(order.images, requested.length)
    assert.match(await page.locator('.el-card__header').first().innerText(), /内网地图瓦片 http:\/\/pgis\.local/)
    await h.screenshot(page, 'patrol-map-tiles')

    // No tile server reachable: the geometry is drawn all the same.
    const dark = await h.newPage()
    await dark.route('http://pgis.local/**', (route) => route.abort('connectionrefused'))
    await login(dark, 'leader')
    await dark.goto('/patrol/map')
    await settle(dark)
    assert.equal(await dark.locator('svg[data-testid="patrol-map"] polygon').count(), map.areas.length)
    await dark.locator('svg[data-testid="patrol-map"] text', { hasText: '改名的巡区' }).waitFor()
    await h.screenshot(dark, 'patrol-map-tiles-failed')
  })
})
