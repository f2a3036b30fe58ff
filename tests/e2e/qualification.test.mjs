// 执法资格 in supervision (issue 14 item 3) in the browser against a real `fazhi serve` on the demo
// database: the 法制员 (fazhiyuan) opens the alert centre filtered to 办案民警无有效执法资格 and sees the
// demo's cases whose 主办 had no valid qualification on the day of 受案, opens one and finds the alert
// among the case's clocks; on the case page the 主办民警 shows 执法资格未登记/已过期/尚未取得 with the
// dates (and 执法资格有效 on a case without the alert). Screenshots in tests/e2e/screenshots/qualification-*.png.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test qualification.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { ApiClient } from './lib/api.mjs'
import { Harness } from './lib/harness.mjs'
import { DEMO_PASSWORD, login } from './lib/ui.mjs'

const h = new Harness()

describe('执法资格：无有效执法资格办案的告警', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('法制员在预警中心看到“办案民警无有效执法资格”告警', async () => {
    const api = new ApiClient(h.baseURL)
    await api.login('fazhiyuan', DEMO_PASSWORD)
    const listed = await api.request('GET', '/api/alerts?rule_id=no_qualification&page_size=50')
    assert.ok(listed.total >= 1, '演示数据中应有主办民警无有效执法资格的案件')
    assert.ok(listed.items.every((a) => a.rule_name === '办案民警无有效执法资格' && a.state === 'overdue'))

    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/alerts?rule_id=no_qualification')
    const table = page.getByTestId('alerts-table')
    await table.waitFor()
    const row = table.locator('tr.el-table__row', { hasText: '办案民警无有效执法资格' }).first()
    await row.waitFor()
    assert.match(await row.innerText(), /无有效执法资格/)
    await page.waitForLoadState('networkidle')
    await h.screenshot(page, 'qualification-alerts')
    await page.context().close()
  })

  it('案件详情的办案民警一栏显示受案之日的执法资格', async () => {
    const api = new ApiClient(h.baseURL)
    await api.login('fazhiyuan', DEMO_PASSWORD)
    const listed = await api.request('GET', '/api/alerts?rule_id=no_qualification&page_size=50')
    const alert = listed.items.find((a) => a.message.startsWith('主办民警'))
    assert.ok(alert, '应有主办民警无有效执法资格的告警')
    const detail = await api.request('GET', `/api/cases/${alert.case_id}`)
    const q = detail.lead_officer.qualification
    assert.ok(q, '主办民警应有执法资格判定')
    assert.notEqual(q.status, 'valid')
    // The page and the alert say the same: the day, and the reason in the alert's words.
    assert.ok(alert.message.includes(`受案之日（${q.day}）`), `${alert.message} / ${q.day}`)
    const reason = { none: '未登记执法资格', expired: `已于 ${q.valid_until} 到期`, not_yet: `${q.obtained_on} 方取得` }[q.status]
    assert.ok(alert.message.includes(reason), `${alert.message} / ${reason}`)

    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/cases/${alert.case_id}`)
    const lead = page.getByTestId('case-lead-officer')
    await lead.waitFor()
    const tag = lead.getByTestId('case-qual-tag')
    assert.equal((await tag.innerText()).trim(), `执法资格${q.status_name}`)
    assert.match(await tag.getAttribute('class'), q.status === 'none' ? /el-tag--warning/ : /el-tag--danger/)
    assert.ok((await lead.innerText()).includes(q.text), await lead.innerText())
    await page.waitForLoadState('networkidle')
    await h.screenshot(page, 'qualification-case')

    // A case without such an alert: its 主办 held a valid qualification that day.
    const cases = await api.request('GET', '/api/cases?page_size=20')
    let clean = null
    for (const c of cases.items) {
      const alerts = await api.request('GET', `/api/alerts?rule_id=no_qualification&case_id=${c.id}`)
      if (alerts.total === 0 && c.lead_officer) {
        clean = c
        break
      }
    }
    assert.ok(clean, '前 20 件案件中应有主办民警执法资格有效的案件')
    await page.goto(`/cases/${clean.id}`)
    await lead.waitFor()
    const valid = lead.getByTestId('case-qual-tag')
    assert.equal((await valid.innerText()).trim(), '执法资格有效')
    assert.match(await valid.getAttribute('class'), /el-tag--success/)
    assert.match(await lead.innerText(), /取得，有效期至 \d{4}-\d{2}-\d{2}/)
    await page.waitForLoadState('networkidle')
    await h.screenshot(page, 'qualification-case-valid')
    await page.context().close()
  })
})
