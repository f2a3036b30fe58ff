// 考试 (issue 14 items 2 and 3) in the browser against a real `fazhi serve` on the demo database: an
// officer (minjing) takes the demo's current exam — answers saved as clicked, a reload in the middle
// resumes with every answer and the server's clock, the short answer typed, handed in; the 法制员
// (fazhiyuan) marks the short answer without seeing the name, then sees the officer's result and
// the analysis; axe-core on the exam page (0 serious/critical).
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test exams.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Harness } from './lib/harness.mjs'
import { login, textarea } from './lib/ui.mjs'

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const h = new Harness()
const state = { examId: null, attemptId: null }

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource)
  // eslint-disable-next-line no-undef
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.html.slice(0, 160)).join(' | ')}`)
}

describe('考试：民警在线考试、阅卷与成绩', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('民警作答、刷新后继续、交卷', async () => {
    const page = await h.newPage()
    await login(page, 'minjing')
    await page.goto('/exams/mine')
    const row = page.getByTestId('my-exams').locator('tr.el-table__row', { hasText: '随堂测试（当前）' })
    await row.waitFor()
    const start = row.locator('[data-testid^="exam-start-"]')
    state.examId = Number((await start.getAttribute('data-testid')).replace('exam-start-', ''))
    await start.click()
    await page.getByTestId('exam-timer').waitFor()
    assert.match(await page.getByTestId('exam-timer').innerText(), /剩余时间 00:(29|30):\d\d/)
    state.attemptId = await page.evaluate(() => window.location.pathname)
    // Answer the first two objective questions by clicking; each is acknowledged by the server.
    const items = page.locator('[data-testid^="exam-item-"]')
    const count = await items.count()
    assert.equal(count, 10)
    const chosen = []
    for (let i = 1; i <= count && chosen.length < 2; i++) {
      const item = page.getByTestId(`exam-item-${i}`)
      const radio = item.locator('.el-radio').first()
      if ((await radio.count()) === 0) continue
      await radio.click()
      await page.getByTestId(`exam-saved-${i}`).filter({ hasText: '已保存' }).waitFor()
      chosen.push(i)
    }
    assert.equal(chosen.length, 2)
    await h.screenshot(page, 'exams-take')
    assert.deepEqual(await axeViolations(page), [])
    // Reload in the middle: the same attempt, the answers back, the clock from the server.
    await page.reload()
    await page.getByTestId('exam-timer').waitFor()
    for (const i of chosen) {
      await page.getByTestId(`exam-saved-${i}`).filter({ hasText: '已保存' }).waitFor()
      assert.equal(await page.getByTestId(`exam-item-${i}`).locator('.el-radio.is-checked').count(), 1)
    }
    // The short answer, saved when the field is left.
    const shortArea = page.locator('[data-testid^="exam-short-"] textarea, textarea[data-testid^="exam-short-"]').first()
    await shortArea.fill('应当由两名民警进行，告知权利，如实记录并制作法律文书。')
    await page.getByTestId('exam-timer').click()
    await page.locator('[data-testid^="exam-saved-"]', { hasText: '已保存' }).nth(2).waitFor()
    await page.getByTestId('exam-submit').click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.getByTestId('attempt-summary').waitFor()
    assert.match(await page.getByTestId('attempt-summary').innerText(), /待阅卷/)
    await h.screenshot(page, 'exams-submitted')
    await page.context().close()
  })

  it('法制员匿名阅卷并查看成绩', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/exams/marking')
    const task = page.locator('[data-testid^="mark-task-"]', { hasText: '随堂测试（当前）' }).first()
    await task.waitFor()
    const text = await task.innerText()
    assert.match(text, /两名民警/)
    assert.doesNotMatch(text, /minjing/)
    await task.locator('input').first().fill('8')
    await task.getByTestId('mark-save').click()
    await page.getByText('已评分').first().waitFor()
    await h.screenshot(page, 'exams-marking')
    await page.goto(`/exams/${state.examId}/results`)
    const table = page.getByTestId('results-table')
    await table.locator('tr.el-table__row').first().waitFor()
    const mine = table.locator('tr.el-table__row', { hasText: /合格|不合格/ }).first()
    await mine.waitFor()
    assert.match(await mine.innerText(), /\d+/)
    await page.getByRole('tab', { name: '试题与单位分析' }).click()
    await page.getByTestId('analysis-summary').waitFor()
    assert.match(await page.getByTestId('analysis-summary').innerText(), /已出分 1 人/)
    await h.screenshot(page, 'exams-results')
    await page.context().close()
  })
})
