// Browser test of 三级执法巡查 (issue 12) against a real `fazhi serve` on the demo database (whose
// current week has the bureau's open tasks): the 法制员 of 城区分局 opens a task of his list, sees the
// randomly drawn records, judges every item (one fails, with a note), submits; the failed item is a
// finding whose 督办 opens in the shared 督办 page. The responsible officer answers (整改); the
// 督办 page sends the reviewer to the finding, where the inspector's 复查 first returns it (not
// passed, with a note) and, after a second answer, closes it. The roll-up page shows its charts.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test inspections.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ApiClient } from './lib/api.mjs'
import { Harness } from './lib/harness.mjs'
import { DEMO_PASSWORD, input, login, textarea } from './lib/ui.mjs'

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
    const orderId = Number(page.url().match(/\/orders\/(\d+)$/)[1])

    // The responsible officer gets an account (linked to his person record) and answers.
    const fzy = new ApiClient(h.baseURL)
    await fzy.login('fazhiyuan', DEMO_PASSWORD)
    const order = await fzy.get(`/api/supervision-orders/${orderId}`)
    assert.ok(order.reviewed_by, '巡查问题的督办应由巡查人员复查')
    const admin = new ApiClient(h.baseURL)
    await admin.login('sysadmin', DEMO_PASSWORD)
    const initial = 'Init#e2e2026x'
    await admin.post('/api/users', {
      username: 'e2e_recheck_officer',
      display_name: order.responsible_name,
      password: initial,
      roles: ['case_officer'],
      unit_id: order.unit_id,
      person_id: order.responsible_person_id,
    })
    const officer = new ApiClient(h.baseURL)
    await officer.login('e2e_recheck_officer', initial)
    await officer.post('/api/me/password', { old_password: initial, new_password: DEMO_PASSWORD + 'x1' })
    await officer.login('e2e_recheck_officer', DEMO_PASSWORD + 'x1')
    const answer = (text) => officer.post(`/api/supervision-orders/${orderId}/answer`, { text })
    await answer('已补传执法记录仪视频')

    // The 督办 page offers no close of its own: it sends the reviewer to the finding's 复查.
    await page.reload()
    await page.getByTestId('order-reviewed-by').waitFor()
    assert.equal(await page.getByTestId('order-close').count(), 0)
    await page.getByTestId('order-source-review').click()
    await page.waitForURL(/\/inspections\/findings\?finding=\d+/)
    const dialog = page.getByTestId('recheck-dialog')
    await dialog.waitFor()
    await dialog.getByText('未整改到位，退回').click()
    await textarea(page, 'recheck-note').fill('端到端：补传视频仍缺 10:05 一段')
    await h.screenshot(page, '74-inspection-recheck')
    await page.getByTestId('recheck-submit').click()
    await expectToast(page, '复查未通过，已退回责任民警重新整改')
    assert.equal((await fzy.get(`/api/supervision-orders/${orderId}`)).status, 'returned')

    await answer('已补传 10:05 一段')
    await page.reload()
    await dialog.waitFor()
    await dialog.getByText('复查未通过').first().waitFor()  // the history of the first 复查
    await page.getByTestId('recheck-submit').click()
    await expectToast(page, '复查通过，督办已办结')
    const closed = await fzy.get(`/api/supervision-orders/${orderId}`)
    assert.equal(closed.status, 'closed')
    assert.equal(closed.steps.at(-1).note, '复查通过')
    const one = page.getByTestId('findings-table').locator('tbody tr').first()
    assert.match(await one.innerText(), /已办结/)
    assert.match(await one.innerText(), /通过（2 次）/)

    await page.getByTestId('menu-inspection-rollup').click()
    await page.waitForURL('**/inspections/rollup')
    await page.getByTestId('rollup-table').waitFor()
    await h.screenshot(page, '73-inspection-rollup')
  })
})
