// Row selection in the case list and the alert centre (issue 11): the 法制员 ticks rows (or the whole
// page), exports only those (导出所选, the export's columns) and issues one 督办 per row in one action
// (批量督办); the answer lists every row as issued or refused with its reason. axe-core on both
// pages with the selection and the result dialog showing.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test selection.e2e.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { Harness, eventually } from './lib/harness.mjs'
import { input, login, textarea } from './lib/ui.mjs'
import { ApiClient } from './lib/api.mjs'
import { DEMO_PASSWORD } from './lib/ui.mjs'

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const h = new Harness()
const state = { fzy: null, mj: null, cases: [] }
const TITLE = '端到端测试：批量督办'

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource)
  // eslint-disable-next-line no-undef
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }))
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

function bodyRows(page, testid) {
  return page.getByTestId(testid).locator('.el-table__body-wrapper tr.el-table__row')
}

async function orderCount(caseId) {
  const r = await state.fzy.get(`/api/supervision-orders?case_id=${caseId}&page_size=50`)
  return r.total
}

describe('行选择：导出所选与批量督办', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
    state.fzy = new ApiClient(h.baseURL)
    state.mj = new ApiClient(h.baseURL)
    await state.fzy.login('fazhiyuan', DEMO_PASSWORD)
    await state.mj.login('minjing', DEMO_PASSWORD)
    // Three cases of minjing's 派出所, bound to the 法制员 (in his scope through the binding).
    for (const n of [1, 2, 3]) {
      const c = await state.mj.post('/api/cases', {
        case_type: 'criminal',
        cause: '盗窃',
        title: `${TITLE}${n}`,
        unit_id: state.mj.me.unit.id,
        lead_officer_id: state.mj.me.person_id,
        legal_officer_id: state.fzy.me.person_id,
        accepted_at: '2023-03-01 09:00',
      })
      state.cases.push(c)
    }
  })

  after(async () => {
    await h.stop()
  })

  it('案件列表：勾选导出所选，全选本页批量督办，逐条显示结果', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/cases?q=${encodeURIComponent(TITLE)}`)
    await eventually(async () => (await bodyRows(page, 'cases-table').count()) === 3, { message: '应列出 3 件测试案件' })
    assert.equal(await page.getByTestId('cases-export-selected').isDisabled(), true)
    await bodyRows(page, 'cases-table').nth(0).locator('.el-checkbox').click()
    await bodyRows(page, 'cases-table').nth(2).locator('.el-checkbox').click()
    assert.match(await page.getByTestId('cases-export-selected').innerText(), /导出所选（2）/)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cases-export-selected').click()])
    assert.match(download.suggestedFilename(), /^案件列表.*\.xlsx$/)
    const chunks = []
    for await (const c of await download.createReadStream()) chunks.push(c)
    assert.equal(Buffer.concat(chunks).subarray(0, 2).toString('latin1'), 'PK')
    // The file holds the two chosen cases (the server's selection, read back as CSV).
    const numbers = await bodyRows(page, 'cases-table').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[1].innerText.trim()))
    const ids = state.cases.filter((c) => [numbers[0], numbers[2]].includes(c.external_id)).map((c) => c.id)
    assert.equal(ids.length, 2)
    const csv = await (await state.fzy.request('GET', `/api/cases/export?format=csv&ids=${ids.join(',')}`, undefined, { raw: true })).text()
    assert.equal(csv.trim().split('\n').length, 3, csv)
    assert.ok(csv.includes(numbers[0]) && csv.includes(numbers[2]) && !csv.includes(numbers[1]))

    // Select the whole page, then 批量督办.
    await page.getByTestId('cases-table').locator('.el-table__header-wrapper .el-checkbox').first().click()
    // The header box updates the selection after its own transition: wait for it, do not read once.
    await eventually(async () => /批量督办（3）/.test(await page.getByTestId('cases-batch-order').innerText()), {
      message: '全选本页后应选中 3 件',
    })
    await page.getByTestId('cases-batch-order').click()
    const dialog = page.getByTestId('batch-order-dialog')
    await dialog.waitFor()
    await textarea(dialog, 'batch-order-opinion').fill('端到端测试：请核查办案期限')
    await dialog.getByTestId('batch-order-submit').click()
    await dialog.getByTestId('batch-order-summary').waitFor()
    assert.match(await dialog.getByTestId('batch-order-summary').innerText(), /已下发 3 条，未下发 0 条/)
    assert.equal(await bodyRows(dialog, 'batch-order-result').count(), 3)
    for (const c of state.cases) assert.equal(await orderCount(c.id), 1, c.external_id)
    await h.screenshot(page, '80-batch-order-result')
    const found = await axeViolations(page)
    assert.deepEqual(found, [])
    await dialog.getByTestId('batch-order-close').click()
    await page.context().close()
  })

  it('预警中心：勾选预警批量督办，已有未办结督办的逐条说明原因', async () => {
    const alerts = await state.fzy.get('/api/alerts?page_size=2')
    assert.ok(alerts.items.length >= 2, '演示数据中法制员应有在办的预警告警')
    // One of them already has an open 督办: the batch refuses it and says why.
    await state.fzy.post('/api/supervision-orders', {
      source: 'alert',
      source_id: alerts.items[0].id,
      opinion: '端到端测试：先下发一张',
      deadline: Math.floor(Date.now() / 1000) + 3 * 86400,
    })
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/alerts')
    await eventually(async () => (await bodyRows(page, 'alerts-table').count()) >= 2)
    const shown = await bodyRows(page, 'alerts-table').count()
    await bodyRows(page, 'alerts-table').nth(0).locator('.el-checkbox').click()
    await bodyRows(page, 'alerts-table').nth(1).locator('.el-checkbox').click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('alerts-export-selected').click()])
    assert.match(download.suggestedFilename(), /^预警告警.*\.xlsx$/)
    await page.getByTestId('alerts-batch-order').click()
    const dialog = page.getByTestId('batch-order-dialog')
    await dialog.waitFor()
    await textarea(dialog, 'batch-order-opinion').fill('端到端测试：预警批量督办')
    await dialog.getByTestId('batch-order-submit').click()
    await dialog.getByTestId('batch-order-summary').waitFor()
    const summary = await dialog.getByTestId('batch-order-summary').innerText()
    assert.match(summary, /已下发 1 条，未下发 1 条/)
    const rows = await bodyRows(dialog, 'batch-order-result').evaluateAll((trs) => trs.map((tr) => tr.innerText))
    assert.equal(rows.length, 2)
    assert.ok(rows.some((r) => /未下发/.test(r) && /未办结的督办单/.test(r)), rows.join('\n'))
    assert.ok(shown >= 2)
    const found = await axeViolations(page)
    assert.deepEqual(found, [])
    // A selection of more than the cap is refused by the server with a clear 400.
    const res = await state.fzy.request('POST', '/api/supervision-orders/batch', {
      source: 'alert', ids: Array.from({ length: 101 }, (_, i) => i + 1), opinion: 'x', deadline: Math.floor(Date.now() / 1000) + 86400,
    }, { raw: true })
    assert.equal(res.status, 400)
    assert.equal((await res.json()).error.code, 'batch_too_large')
    await page.context().close()
  })
})
