// 优劣质案件评定 and 谁执法谁普法 (issue 14 items 5 and 6) in the browser against a real `fazhi serve` on
// the demo database. Evaluation: the organiser (法制大队, fazhiyuan) creates a round, draws five 2023
// cases at random with a seed, a panel member (pingshen2) marks one case, the organiser closes the
// round and sees its score and grade, and the teaching page shows the case anonymised (the phone and
// 身份证号 written in the comment are gone), then publishes the teaching set in one click as the next
// 以案说法 issue of the training library, opened there anonymised. Publicity: the demo year's campaign calendar and events,
// the demo events' photos shown, registering an event on
// 12.4 宪法宣传周, and the generated year summary. Screenshots in
// tests/e2e/screenshots/evaluation-*.png and publicity-*.png.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test evaluation.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ApiClient } from './lib/api.mjs'
import { Harness } from './lib/harness.mjs'
import { DEMO_PASSWORD, input, login, textarea } from './lib/ui.mjs'

const h = new Harness()
const state = { roundId: 0, caseId: 0, member: '' }

async function settle(page, testid) {
  await page.getByTestId(testid).first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(300)
}

async function pickDate(page, testid, value) {
  const field = input(page, testid)
  await field.click()
  await field.fill(value)
  await field.press('Enter')
}

before(async () => {
  await h.start()
  const api = new ApiClient(h.baseURL)
  await api.login('pingshen2', DEMO_PASSWORD)
  state.member = (await api.request('GET', '/api/me')).display_name
})
after(async () => {
  await h.stop()
})

describe('优劣质案件评定：抽案、评分、结果与教学案例', { timeout: 900_000 }, () => {

  it('组织者新建评定批次并随机抽取案件', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/evaluation')
    await settle(page, 'rounds-table')
    // The demo round of 2023 is listed.
    await page.getByTestId('rounds-table').getByText('2023年度优劣质案件评定').waitFor()
    await h.screenshot(page, 'evaluation-rounds')
    await page.getByTestId('round-new').click()
    await input(page, 'round-name').fill('2023年度第二批抽查评定')
    await page.getByTestId('round-panel').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: state.member }).first().click()
    await page.keyboard.press('Escape')
    await page.getByTestId('round-create').click()
    await page.waitForURL(/\/evaluation\/rounds\/\d+/)
    state.roundId = Number(page.url().match(/rounds\/(\d+)/)[1])
    await settle(page, 'round-title')
    await pickDate(page, 'select-from', '2023-01-01')
    await pickDate(page, 'select-to', '2023-12-31')
    await input(page, 'select-count').fill('5')
    await input(page, 'select-seed').fill('2023')
    await page.getByTestId('select-run').click()
    const rows = page.getByTestId('round-cases').locator('tr.el-table__row')
    await rows.nth(4).waitFor()
    assert.equal(await rows.count(), 5)
    await page.getByText('随机（种子 2023）').first().waitFor()
    await h.screenshot(page, 'evaluation-round-drawn')
  })

  it('评审组成员为一件案件评分', async () => {
    const page = await h.newPage()
    await login(page, 'pingshen2')
    await page.goto(`/evaluation/rounds/${state.roundId}`)
    await settle(page, 'round-cases')
    await page.getByTestId('round-cases').locator('tr.el-table__row').first().getByRole('button', { name: '评分' }).click()
    await page.waitForURL(/\/evaluation\/cases\/\d+/)
    state.caseId = Number(page.url().match(/cases\/(\d+)/)[1])
    await settle(page, 'mark-table')
    // Marks start at each item's full weight; take two points off the first item, with a reason.
    await input(page, 'mark-0').fill('13')
    await input(page, 'mark-comment-0').fill('受案登记表缺报案人联系电话13812345678的核实记录')
    await textarea(page, 'mark-overall').fill('证据扎实，当事人身份证号110105199003071234已核对，可作范例')
    await page.getByTestId('mark-save').click()
    await page.getByText('评分已保存').waitFor()
    assert.equal((await page.getByTestId('mark-total').innerText()).trim(), '98')
    await h.screenshot(page, 'evaluation-mark')
  })

  it('组织者结束评定：平均分与等次，导出，教学案例已脱敏', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/evaluation/rounds/${state.roundId}`)
    await settle(page, 'round-close')
    await page.getByTestId('round-close').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId(`grade-${state.caseId}`).waitFor()
    assert.equal((await page.getByTestId(`grade-${state.caseId}`).innerText()).trim(), '优质')
    const row = page.getByTestId('round-cases').locator('tr.el-table__row', { has: page.getByTestId(`grade-${state.caseId}`) })
    assert.match(await row.innerText(), /98/)
    const download = page.waitForEvent('download')
    await page.getByTestId('round-export').click()
    assert.match((await download).suggestedFilename(), /评定结果\.xlsx$/)
    await h.screenshot(page, 'evaluation-results')

    await page.goto('/evaluation/teaching')
    await settle(page, 'teaching-table')
    const teaching = page.getByTestId('teaching-table')
    await teaching.getByText('2023年度第二批抽查评定').waitFor()
    const text = await teaching.innerText()
    assert.ok(!text.includes('13812345678'), 'phone removed')
    assert.ok(!text.includes('110105199003071234'), 'ID number removed')
    assert.match(text, /\[电话已隐去\]/)
    assert.match(text, /\[身份证号已隐去\]/)
    // The demo's teaching set: 7 优质 and 2 劣质 from the 2023 round, plus the one just graded.
    await page.getByText('共 10 条').waitFor()
    await h.screenshot(page, 'evaluation-teaching')
  })

  it('组织者一键发布教学案例为以案说法学法资料，资料库中可见且已脱敏', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/evaluation/rounds/${state.roundId}`)
    await settle(page, 'round-publish')
    await page.getByTestId('round-publish').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByText(/已发布：以案说法 第\d+期/).waitFor()
    await page.getByTestId('round-published').waitFor()
    await h.screenshot(page, 'evaluation-published')
    await page.getByTestId('round-published').click()
    await page.waitForURL(/\/training\/materials/)
    await settle(page, 'materials-list')
    await page.getByTestId('materials-list').getByText('以案说法：2023年度第二批抽查评定').first().click()
    await page.getByTestId('material-title').waitFor()
    const body = await page.locator('.el-drawer .body').innerText()
    assert.ok(!body.includes('13812345678'), 'phone removed')
    assert.ok(!body.includes('110105199003071234'), 'ID number removed')
    assert.match(body, /优质案件/)
    await h.screenshot(page, 'evaluation-material')
  })
})

describe('谁执法谁普法：宣传节点、普法活动与年度总结', { timeout: 900_000 }, () => {

  it('宣传日历、登记宪法宣传周活动、年度总结', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/publicity')
    await settle(page, 'calendar-table')
    await input(page, 'plan-year').fill('2023')
    await input(page, 'plan-year').press('Enter')
    const calendar = page.getByTestId('calendar-table')
    for (const name of ['中国人民警察节', '全民国家安全教育日', '打击和防范经济犯罪宣传日', '国际禁毒日', '国家网络安全宣传周', '宪法宣传周'])
      await calendar.getByText(name, { exact: true }).waitFor()
    await page.waitForLoadState('networkidle')
    await h.screenshot(page, 'publicity-calendar')

    await page.goto('/publicity/events')
    await settle(page, 'events-table')
    // The demo year's campaign events show their photos (PNGs drawn by the demo), decoded by the browser.
    await input(page, 'events-year').fill('2023')
    await input(page, 'events-year').press('Enter')
    const photo = page.getByTestId('event-photo').first()
    await photo.waitFor()
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="event-photo"]')
      return img && img.complete && img.naturalWidth > 0
    })
    assert.equal(await photo.evaluate((img) => `${img.naturalWidth}x${img.naturalHeight}`), '120x80')
    await h.screenshot(page, 'publicity-photos')
    await input(page, 'events-year').fill(String(new Date().getFullYear()))
    await input(page, 'events-year').press('Enter')
    await page.waitForLoadState('networkidle')
    await page.getByTestId('event-new').click()
    await input(page, 'event-title').fill('宪法宣传周进校园（端到端测试）')
    await page.getByTestId('event-campaign').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '宪法宣传周' }).first().click()
    await pickDate(page, 'event-date', `${new Date().getFullYear()}-12-04`)
    await input(page, 'event-audience').fill('321')
    await page.getByTestId('event-save').click()
    await page.getByText('已登记').waitFor()
    await page.getByTestId('events-table').getByText('宪法宣传周进校园（端到端测试）').waitFor()
    await h.screenshot(page, 'publicity-events')

    await page.goto('/publicity/summary')
    await settle(page, 'summary-text')
    await input(page, 'summary-year').fill('2023')
    await input(page, 'summary-year').press('Enter')
    await page.getByTestId('summary-text').getByText(/2023 年共开展普法活动 \d+ 场/).waitFor()
    const summary = await page.getByTestId('summary-text').innerText()
    assert.match(summary, /宪法宣传周 \d+ 场/)
    await h.screenshot(page, 'publicity-summary')
  })
})
