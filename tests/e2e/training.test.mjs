// 学法用法 (issue 14 items 1 and 4) in the browser against a real `fazhi serve` on the demo database:
// the 法制大队's organiser creates a session from the list page with an internal speaker picked from the
// bureau's people, its page shows the QR code; an
// officer on a 390-px phone opens the check-in URL and checks in (server time); the attendance shows
// on the organiser's page; a check-in for a session that is over is refused with the Chinese reason;
// the materials library finds an issue by a Chinese word; the year overview shows the seed's counts.
// axe-core on the pages (0 serious/critical); screenshots in the harness directory.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test training.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Harness } from './lib/harness.mjs'
import { DEMO_PASSWORD, input, login } from './lib/ui.mjs'

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const h = new Harness()
const state = { sessionUrl: '', checkinUrl: '', pastCheckinUrl: '' }

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource)
  // eslint-disable-next-line no-undef
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 160)).join(' | ')}`)
}

async function settle(page, testid) {
  await page.getByTestId(testid).first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(300)
}

// "2026-12-05 09:50" in Beijing time, `minutes` from now.
function beijing(minutes) {
  const d = new Date(Date.now() + minutes * 60_000 + 8 * 3600_000)
  return d.toISOString().slice(0, 16).replace('T', ' ')
}

async function phone() {
  const context = await h.browser.newContext({
    baseURL: h.baseURL,
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const page = await context.newPage()
  // The phone layout has no side menu: wait for the sign-in to leave the login page.
  await page.goto('/login')
  await input(page, 'login-username').fill('minjing')
  await input(page, 'login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return page
}

// With `internal`, the speaker is a 内聘能手 picked from the bureau's people (PersonSelect); the
// picked person's name is returned as `speaker`.
async function createSession(page, topic, start, end, internal = false) {
  await page.goto('/training')
  await settle(page, 'training-list')
  await page.getByTestId('training-new').click()
  await input(page, 'training-topic').fill(topic)
  await input(page, 'training-start').fill(start)
  await input(page, 'training-start').press('Enter')
  await input(page, 'training-end').fill(end)
  await input(page, 'training-end').press('Enter')
  await input(page, 'training-place').fill('分局三楼会议室')
  await page.getByTestId('training-targets').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '东街派出所' }).first().click()
  await input(page, 'training-place').click() // closes the (multiple) dropdown
  let speaker = ''
  if (internal) {
    await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' })
    await page.getByTestId('training-speaker-internal').click()
    await page.getByTestId('training-speaker-person').click()
    const option = page.locator('.el-select-dropdown__item:visible').first()
    await option.waitFor()
    speaker = (await option.locator('span').first().innerText()).trim()
    await option.click()
    await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' })
    await h.screenshot(page, 'training-speaker-picked')
  }
  await page.getByTestId('training-save').click()
  await page.waitForURL(/\/training\/sessions\/\d+/)
  await settle(page, 'session-qr-url')
  const url = (await input(page, 'session-qr-url').inputValue()).trim()
  return internal ? { url, speaker } : url
}

describe('学法用法：组织培训、手机扫码签到、资料检索', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('法制大队新建培训，页面显示签到二维码', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    const created = await createSession(page, '法制每周一学：扫码签到演练', beijing(-10), beijing(60), true)
    state.checkinUrl = created.url
    state.sessionUrl = page.url()
    // The internal speaker (内聘能手) was picked from the list and is stored as that person.
    assert.ok(created.speaker.length > 0)
    assert.equal((await page.getByTestId('session-speaker').innerText()).trim(), created.speaker)
    assert.match(await page.locator('.el-descriptions').innerText(), /内聘能手/)
    assert.match(state.checkinUrl, /\/training\/checkin\?t=\d+\.\d+\.[0-9a-f]+$/)
    assert.match(await page.getByTestId('session-title').innerText(), /法制每周一学：扫码签到演练/)
    assert.ok(await page.locator('[data-testid="session-qr"] img').isVisible())
    assert.deepEqual(await axeViolations(page), [])
    await h.screenshot(page, 'training-session')
    // A session that ended yesterday: its QR code still opens the page, the check-in is refused.
    state.pastCheckinUrl = await createSession(page, '法制夜校：已结束的培训', beijing(-26 * 60), beijing(-25 * 60))
    await page.context().close()
  })

  it('民警在手机上打开签到链接签到，组织者页面显示到课', async () => {
    const page = await phone()
    await page.goto(state.checkinUrl)
    await settle(page, 'checkin-go')
    assert.deepEqual(await axeViolations(page), [])
    await page.getByTestId('checkin-go').click()
    await page.getByTestId('checkin-ok').waitFor()
    assert.match(await page.getByTestId('checkin-ok').innerText(), /签到成功[\s\S]*扫码签到演练/)
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390))
    await h.screenshot(page, 'training-checkin-phone')
    // Scanning again counts nothing twice.
    await page.goto(state.checkinUrl)
    await page.getByTestId('checkin-go').click()
    await page.getByTestId('checkin-ok').filter({ hasText: '您已签到' }).waitFor()
    await page.context().close()

    const organiser = await h.newPage()
    await login(organiser, 'fazhiyuan')
    await organiser.goto(state.sessionUrl)
    await settle(organiser, 'session-attendance-total')
    assert.match(await organiser.getByTestId('session-attendance-total').innerText(), /到课 1 \//)
    assert.match(await organiser.getByTestId('session-roster').innerText(), /扫码/)
    await organiser.context().close()
  })

  it('培训结束后签到被拒绝并给出中文原因', async () => {
    const page = await phone()
    await page.goto(state.pastCheckinUrl)
    await settle(page, 'checkin-go')
    await page.getByTestId('checkin-go').click()
    await page.getByTestId('checkin-error').waitFor()
    const text = await page.getByTestId('checkin-error').innerText()
    assert.match(text, /签到已截止/, text)
    await h.screenshot(page, 'training-checkin-closed')
    await page.context().close()
  })

  it('学法资料库按中文词语检索，年度统计显示各类次数', async () => {
    const page = await h.newPage()
    await login(page, 'minjing')
    await page.goto('/training/materials')
    await settle(page, 'materials-list')
    await input(page, 'materials-q').fill('听证程序 要点')
    await page.getByTestId('materials-search').click()
    await page.waitForLoadState('networkidle')
    const rows = page.getByTestId('materials-list').locator('tr.el-table__row')
    await rows.first().waitFor()
    const text = await page.getByTestId('materials-list').innerText()
    assert.match(text, /每周法制培训 第\d+期/)
    assert.match(text, /听证程序/)
    await rows.first().click()
    await page.getByTestId('material-title').waitFor()
    assert.deepEqual(await axeViolations(page), [])
    await h.screenshot(page, 'training-materials')
    await page.context().close()
    // The 法制大队 sees the bureau's year.
    const leader = await h.newPage()
    await login(leader, 'fazhiyuan')
    await leader.goto('/training/overview')
    await settle(leader, 'overview-counts')
    const counts = await leader.getByTestId('overview-counts').innerText()
    for (const want of ['法制每周一学 47 次', '法制夜校 18 次', '行政执法大讲堂 9 次', '法制员例会 5 次', '联合培训 1 次', '旁听庭审 2 次'])
      assert.ok(counts.includes(want), `${want} in ${counts}`)
    // The year overview as XLSX (the button on the page): a workbook named after the year.
    const [download] = await Promise.all([leader.waitForEvent('download'), leader.getByTestId('overview-export').click()])
    assert.match(download.suggestedFilename(), /^2023 年学法用法统计\.xlsx$/)
    const chunks = []
    for await (const c of await download.createReadStream()) chunks.push(c)
    assert.equal(Buffer.concat(chunks).subarray(0, 2).toString(), 'PK')
    await h.screenshot(leader, 'training-overview')
    await leader.context().close()
  })
})
