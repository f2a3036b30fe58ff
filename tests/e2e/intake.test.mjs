// 接报案大厅 (issue 13) in the browser against a real `fazhi serve` on the demo database: the desk
// clerk's job end to end — register a 报案 on the spot from the keyboard, print the 回执 with its
// query code and QR code, route it on the ticket page, record the decision, the outcome and the
// 反馈, and the citizen's public progress lookup on a 390-px phone without signing in; the duty officer
// pre-filled from the 值班表 and the 法制员's week view of the roster (add a shift, copy the week
// forward, a second copy refused); axe-core on every page (0 serious/critical).
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test intake.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Harness } from './lib/harness.mjs'
import { input, login, textarea } from './lib/ui.mjs'

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const h = new Harness()
const state = { ticketId: null, code: null, duty: '' }

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

// A 身份证号 with its GB 11643 check character.
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first17 + '10X98765432'[sum % 11]
}

async function chooseOption(page, testid, text) {
  await page.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

describe('接报案大厅：窗口民警的一次接报', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('当场登记（键盘完成）并出具回执', async () => {
    const page = await h.newPage()
    await login(page, 'jiebao')
    await page.goto('/intake')
    await settle(page, 'intake-form')
    assert.deepEqual(await axeViolations(page), [])
    // The duty officer is pre-filled from the demo roster (this week's shifts) at server time.
    await page.getByTestId('intake-duty-note').filter({ hasText: '当前班次' }).waitFor()
    state.duty = (await page.getByTestId('intake-duty').innerText()).trim()
    assert.match(state.duty, /（\S+）/, `duty officer shown: ${state.duty}`)
    await input(page, 'intake-category').fill('盗窃')
    await input(page, 'intake-name').fill('赵六')
    await input(page, 'intake-id').fill(idNumber('14050219900101123'))
    await input(page, 'intake-phone').fill('13912345678')
    await textarea(page, 'intake-summary').fill('电动车在小区门口被盗')
    await input(page, 'intake-place').fill('东街幸福小区北门')
    await textarea(page, 'intake-evidence').fill('现场照片 3 张\n购车发票复印件')
    await chooseOption(page, 'intake-unit', '东街派出所')
    await input(page, 'intake-reason').fill('案发地属东街派出所辖区')
    await input(page, 'intake-place').press('Control+Enter')
    await page.getByTestId('intake-saved').waitFor()
    state.code = (await page.getByTestId('intake-code').innerText()).trim()
    assert.match(state.code, /^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/)
    const href = await page.getByTestId('intake-receipt').getAttribute('href')
    state.ticketId = Number(href.match(/tickets\/(\d+)\//)[1])
    // The queue of open tickets shows their countdowns.
    await page.getByTestId('intake-queue').locator('tr.el-table__row').first().waitFor()
    assert.match(await page.getByTestId('intake-queue').innerText(), /剩 |已超期 /)
    // The 回执: the query code, the QR code, the masked reporter.
    const receipt = await page.request.get(href)
    assert.equal(receipt.status(), 200)
    const html = await receipt.text()
    assert.ok(html.includes('接报案回执') && html.includes(state.code) && html.includes('data:image/png;base64,'))
    assert.ok(!html.includes('13912345678') && !html.includes('赵六'))
    await page.context().close()
  })

  it('分流、受理、办结、反馈，办理记录完整', async () => {
    const page = await h.newPage()
    await login(page, 'jiebao')
    await page.goto(`/intake/tickets/${state.ticketId}`)
    await settle(page, 'ticket-history')
    assert.deepEqual(await axeViolations(page), [])
    assert.ok(state.duty.startsWith((await page.getByTestId('ticket-duty').innerText()).trim()), state.duty)
    await chooseOption(page, 'ticket-route-unit', '西街派出所')
    await input(page, 'ticket-route-reason').fill('报案人住西街，就近办理')
    await page.getByTestId('ticket-route').click()
    await page.getByTestId('ticket-title').filter({ hasText: '已分流' }).waitFor()
    await input(page, 'ticket-note').fill('受案')
    await page.getByTestId('ticket-accept').click()
    await page.getByTestId('ticket-title').filter({ hasText: '已受理' }).waitFor()
    await input(page, 'ticket-outcome').fill('已追回电动车并发还')
    await page.getByTestId('ticket-conclude').click()
    await page.getByTestId('ticket-title').filter({ hasText: '已办结' }).waitFor()
    await input(page, 'ticket-fb-text').fill('已电话告知报案人')
    await page.getByTestId('ticket-feedback').click()
    await page.getByTestId('ticket-title').filter({ hasText: '已反馈' }).waitFor()
    const history = await page.getByTestId('ticket-history').innerText()
    for (const step of ['登记', '分流', '回执', '受理', '办结', '反馈']) assert.ok(history.includes(step), step)
    assert.ok(history.includes('报案人住西街，就近办理'))
    // The statistics page with its charts.
    await page.goto('/intake/stats')
    await settle(page, 'intake-stats-summary')
    assert.match(await page.getByTestId('intake-stats-summary').innerText(), /共接报 \d+ 件/)
    assert.deepEqual(await axeViolations(page), [])
    await page.context().close()
  })

  it('值班表：法制员按周查看、新增班次、复制到下周', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/intake/duty')
    await settle(page, 'roster-table')
    assert.deepEqual(await axeViolations(page), [])
    const table = page.getByTestId('roster-table')
    // The demo roster covers this week and the next: 白班 and 夜班 every day.
    assert.ok((await table.innerText()).includes('夜班'))
    // Two weeks on, nothing is rostered yet.
    await page.getByTestId('roster-next').click()
    await page.getByTestId('roster-next').click()
    await table.filter({ hasText: '未排班' }).waitFor()
    assert.ok(!(await table.innerText()).includes('白班'))
    const monday = (await page.getByTestId('roster-range').innerText()).slice(0, 10)
    await page.getByTestId('roster-add').click()
    await input(page, 'roster-date').fill(monday)
    await input(page, 'roster-name').fill('备勤')
    await input(page, 'roster-start').fill('09:00')
    await input(page, 'roster-end').fill('17:00')
    await page.getByTestId('roster-people').click()
    await page.locator('.el-select-dropdown__item:visible').first().click()
    await input(page, 'roster-name').click() // closes the (multiple) dropdown, not the dialog
    await page.getByTestId('roster-save').click()
    await table.filter({ hasText: '备勤' }).waitFor()
    assert.match(await table.innerText(), /备勤\s*09:00–17:00/)
    // Copy the week forward: the page moves to the next week, which now has the shift.
    await page.getByTestId('roster-copy').click()
    await page.locator('.el-message--success', { hasText: '已复制 1 个班次' }).waitFor()
    await table.filter({ hasText: '备勤' }).waitFor()
    // Copying again onto a week that has shifts is refused with the reason.
    await page.getByTestId('roster-prev').click()
    await table.filter({ hasText: '备勤' }).waitFor()
    await page.getByTestId('roster-copy').click()
    await page.locator('.el-message--error', { hasText: '目标周已有排班' }).waitFor()
    await page.context().close()
  })

  it('群众在手机上凭查询码和电话后四位查询进度（无需登录）', async () => {
    const context = await h.browser.newContext({
      baseURL: h.baseURL,
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    const page = await context.newPage()
    await page.goto(`/lookup?code=${state.code}`)
    await settle(page, 'lookup-form')
    assert.deepEqual(await axeViolations(page), [])
    await input(page, 'lookup-phone').fill('0000')
    await page.getByTestId('lookup-submit').click()
    await page.getByTestId('lookup-error').waitFor()
    await input(page, 'lookup-phone').fill('5678')
    await page.getByTestId('lookup-submit').click()
    await page.getByTestId('lookup-result').waitFor()
    const text = await page.getByTestId('lookup-result').innerText()
    assert.ok(text.includes('西街派出所') && text.includes('已追回电动车并发还'), text)
    assert.ok(!text.includes('赵六') && !text.includes('13912345678'))
    assert.deepEqual(await axeViolations(page), [])
    // Fits the phone: nothing scrolls sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390))
    await context.close()
  })
})
