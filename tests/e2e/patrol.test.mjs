// 五化巡防 (issue 15) in the browser against a real `fazhi serve` on the demo database: the 局领导
// imports a 巡区 with its 必到点 as GeoJSON and sees it on the offline SVG map; a self-crossing polygon
// is refused with the Chinese message naming it; the 东街派出所 officer checks in 1 km from a 必到点 and
// sees the check-in flagged with its reason (and in the check-in log); the response-time page names
// the slowest unit the server computes; a dispute is registered and shows in the register.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test patrol.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness } from './lib/harness.mjs'
import { input, login, textarea } from './lib/ui.mjs'

const h = new Harness()

function ring(lon, lat, d) {
  return [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
}
const area = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: '测试新建巡区', in_town: true }, geometry: { type: 'Polygon', coordinates: [ring(108.8, 34.2, 0.004)] } },
    { type: 'Feature', properties: { name: '测试必到点甲', radius: 50, min_stay: 300 }, geometry: { type: 'Point', coordinates: [108.8, 34.2] } },
    { type: 'Feature', properties: { name: '测试必到点乙', radius: 50, min_stay: 300 }, geometry: { type: 'Point', coordinates: [108.802, 34.201] } },
  ],
}
const bowtie = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: '自相交巡区' },
      geometry: { type: 'Polygon', coordinates: [[[108.7, 34.1], [108.71, 34.11], [108.71, 34.1], [108.7, 34.11], [108.7, 34.1]]] },
    },
  ],
}

async function settle(page, testid) {
  await page.getByTestId(testid).first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(300)
}

describe('五化巡防：巡区、签到、接处警时效与矛盾纠纷', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('局领导导入 GeoJSON 巡区与必到点；自相交的多边形被拒绝', async () => {
    const page = await h.newPage()
    await login(page, 'leader')
    await page.goto('/patrol/map')
    await settle(page, 'patrol-map')
    await textarea(page, 'geojson').fill(JSON.stringify(area))
    await page.getByTestId('import').click()
    await page.getByTestId('import-result').waitFor()
    assert.match(await page.getByTestId('import-result').innerText(), /巡区 1 个、必到点 2 个/)
    await page.locator('svg[data-testid="patrol-map"] text', { hasText: '测试新建巡区' }).waitFor()
    await h.screenshot(page, 'patrol-map')
    await textarea(page, 'geojson').fill(JSON.stringify(bowtie))
    await page.getByTestId('import').click()
    const msg = page.locator('.el-message--error')
    await msg.waitFor()
    const text = await msg.innerText()
    assert.match(text, /巡区“自相交巡区”的边界自相交/)
    await h.screenshot(page, 'patrol-map-refused')
  })

  it('民警在远离必到点处签到，签到被标记为异常并写明原因', async () => {
    const page = await h.newPage()
    await login(page, 'minjing')
    await page.goto('/patrol/map')
    await settle(page, 'patrol-map')
    await page.getByTestId('point').click()
    await page.locator('.el-select-dropdown__item:visible').first().click()
    // 1 km east of the sub-bureau's made-up centre: far from every 必到点 of 东街.
    await input(page, 'lon').fill('108.95')
    await input(page, 'lat').fill('34.30')
    await input(page, 'accuracy').fill('10')
    await page.getByTestId('checkin').click()
    const result = page.getByTestId('checkin-result')
    await result.waitFor()
    const text = await result.innerText()
    assert.match(text, /异常签到/)
    assert.match(text, /超出签到半径/)
    await h.screenshot(page, 'patrol-checkin-flagged')
    await page.goto('/patrol/checkins')
    await settle(page, 'checkins')
    await page.getByTestId('only-flagged').click()
    await page.waitForLoadState('networkidle')
    await page.locator('[data-testid="checkins"] .el-table__row', { hasText: '超出签到半径' }).first().waitFor()
  })

  it('接处警时效页点名到达最慢的单位', async () => {
    const page = await h.newPage()
    await login(page, 'leader')
    const api = await page.request.get('/api/patrol/response?from=2023-01-01&to=2099-12-31')
    assert.equal(api.status(), 200)
    const slowest = (await api.json()).slowest[0].unit_name
    await page.goto('/patrol/response')
    await settle(page, 'slowest')
    assert.match(await page.getByTestId('slowest').innerText(), new RegExp(`到达最慢的单位：${slowest}`))
    await page.getByTestId('chart').waitFor()
    await h.screenshot(page, 'patrol-response')
    // The hotspot grid of the demo year's last quarter, with a suggestion per 巡区.
    await page.goto('/patrol/hotspots')
    await settle(page, 'hotgrid')
    assert.ok((await page.locator('svg[data-testid="hotgrid"] rect').count()) > 10)
    // The after-the-fact check against matched cells (difference-in-differences) is on the page.
    assert.match(await page.getByTestId('matched').innerText(), /对照网格.*差中差 -?\d+\.\d\d 起/)
    await h.screenshot(page, 'patrol-hotspots')
  })

  it('登记一件矛盾纠纷，台账中可见', async () => {
    const page = await h.newPage()
    await login(page, 'minjing')
    await page.goto('/patrol/disputes')
    await settle(page, 'dispute-form')
    await input(page, 'd-title').fill('测试：楼道堆物邻里争执')
    await input(page, 'd-parties').fill('当事人子、当事人丑')
    await page.getByTestId('d-create').click()
    await page.locator('[data-testid="disputes"] .el-table__row', { hasText: '测试：楼道堆物邻里争执' }).waitFor()
    await h.screenshot(page, 'patrol-disputes')
  })
})
