// 执法资格 in supervision (issue 14 item 3) in the browser against a real `fazhi serve` on the demo
// database: the 法制员 (fazhiyuan) opens the alert centre filtered to 办案民警无有效执法资格 and sees the
// demo's cases whose 主办 had no valid qualification on the day of 受案, opens one and finds the alert
// among the case's clocks. Screenshot in tests/e2e/screenshots/qualification-alerts.png.
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
  })
})
