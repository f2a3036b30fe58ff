// Browser test of 三级执法巡查 (issue 12) against a real `fazhi serve` on the demo database (whose
// current week has the bureau's open tasks): the 法制员 of 城区分局 opens a task of his list, sees the
// randomly drawn records, judges every item (one fails, with a note), submits; the failed item is a
// finding whose 督办 opens in the shared 督办 page. The roll-up page shows its charts.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test inspections.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness } from './lib/harness.mjs'
import { input, login } from './lib/ui.mjs'

const h = new Harness()

async function expectToast(page, re) {
  await page.locator('.el-message', { hasText: re }).first().waitFor()
}

describe('三级执法巡查页面', { timeout: 300_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('巡查人员逐项评判任务，不合格项目成为督办', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.getByTestId('menu-inspection-group').click()
    await page.getByTestId('menu-inspection-tasks').click()
    await page.waitForURL('**/inspections/tasks')
    const table = page.getByTestId('tasks-table')
    await table.getByText('待巡查').first().waitFor()
    await h.screenshot(page, '70-inspection-tasks')
    await table.locator('[data-testid^="task-open-"]').first().click()
    await page.waitForURL(/\/inspections\/tasks\/\d+$/)
    await page.getByTestId('checklist-incident').waitFor()
    assert.equal((await page.getByTestId('task-status').innerText()).trim(), '待巡查')

    await page.getByTestId('item-incident-bodycam-fail').click()
    await input(page, 'item-incident-bodycam-note').fill('端到端：执法记录仪视频缺失约 5 分钟')
    await h.screenshot(page, '71-inspection-judge')
    await page.getByTestId('task-submit').click()
    await expectToast(page, '已提交巡查结果，发现问题 1 个')
    assert.equal((await page.getByTestId('task-status').innerText()).trim(), '已完成')

    await page.getByTestId('menu-inspection-findings').click()
    await page.waitForURL('**/inspections/findings')
    const findings = page.getByTestId('findings-table')
    await findings.getByText('端到端：执法记录仪视频缺失约 5 分钟').first().waitFor()
    const row = findings.locator('tr', { hasText: '端到端：执法记录仪视频缺失约 5 分钟' }).first()
    assert.match(await row.innerText(), /待整改/)
    await row.locator('[data-testid^="finding-order-"]').click()
    await page.waitForURL(/\/orders\/\d+$/)
    await page.getByText(/巡查发现：执法记录仪全程记录并按规定上传。端到端：执法记录仪视频缺失约 5 分钟/).first().waitFor()
    assert.equal((await page.getByTestId('order-status').innerText()).trim(), '待整改')
    await h.screenshot(page, '72-inspection-order')

    await page.getByTestId('menu-inspection-rollup').click()
    await page.waitForURL('**/inspections/rollup')
    await page.getByTestId('rollup-table').waitFor()
    await h.screenshot(page, '73-inspection-rollup')
  })
})
