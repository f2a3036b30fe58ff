// Browser tests of the 执法监督 (issue 3) and 积分 (issue 4) pages against a real `fazhi serve`:
// the 法制员 filters the case list by alert state and reads a countdown clock with its rule id and
// law; the 办案民警 reads their points; a 督办 item goes 下发 → 整改回复（附件）→ 办结.
// Data the demo may not contain yet (a case with an alert, a published month) is prepared through
// the API first. Run: FAZHI_BIN=/path/to/fazhi npm test
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness, eventually } from './lib/harness.mjs'
import { DEMO_PASSWORD, input, login, textarea } from './lib/ui.mjs'
import { ApiClient } from './lib/api.mjs'

const PASSWORD = DEMO_PASSWORD
const h = new Harness()
const state = { modules: false, scoring: false, seededCase: null, minjing: null, fazhiyuan: null, pointsMonth: null }


async function tableRows(page, testid) {
  return page
    .getByTestId(testid)
    .locator('.el-table__body-wrapper tr.el-table__row')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
}

async function waitTableIdle(page, testid) {
  await page.waitForTimeout(150)
  await eventually(async () => (await page.getByTestId(testid).locator('.el-loading-mask:visible').count()) === 0, {
    message: '表格一直在加载',
  })
}

async function pickOption(page, selectTestId, text) {
  await page.getByTestId(selectTestId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

async function expectToast(page, re) {
  const toast = page.locator('.el-message', { hasText: re }).first()
  await toast.waitFor()
  return toast.innerText()
}

/**
 * A case led by 民警 minjing with a 拘留 in 2023 and nothing after it: its clocks are long overdue.
 * minjing registers it in his own 派出所 (a case may name only officers of its creator's scope) and
 * binds the 法制员, whose scope reaches it through that binding (捆绑责任) in every oversight call.
 */
async function seedCase(fzy, mj) {
  const c = await mj.post('/api/cases', {
    case_type: 'criminal',
    cause: '盗窃',
    title: '端到端测试：东街入室盗窃案',
    category: '民生小案',
    unit_id: mj.me.unit.id,
    lead_officer_id: mj.me.person_id,
    legal_officer_id: fzy.me.person_id,
    accepted_at: '2023-03-01 09:00',
  })
  await fzy.post(`/api/cases/${c.id}/persons`, { name: '测试嫌疑人', role: 'suspect', age: 30 })
  await fzy.post(`/api/cases/${c.id}/events`, { type: 'detain', time: '2023-03-01 10:00', person: 'p1' })
  return c
}

/**
 * The newest published month in which minjing has ledger entries; if there is none, the 局领导
 * (whose scope is the whole 分局, as computing a month requires) computes and publishes 2023-03.
 */
async function ensurePoints(fzy, mj, boss) {
  const months = (await fzy.get('/api/scoring/months')).items ?? []
  const published = months.filter((m) => m.status === 'published' || m.status === 'final').map((m) => m.month).sort().reverse()
  for (const month of published) {
    const mine = await mj.get(`/api/scoring/me?month=${month}`)
    if ((mine.entries ?? []).length) return month
  }
  const schemes = (await boss.get('/api/scoring/schemes')).items ?? []
  if (!schemes.length) {
    const acts = await boss.get('/api/scoring/acts')
    await boss.post('/api/scoring/schemes', {
      name: '端到端测试积分方案（试行）',
      status: '试行',
      effective_from: '2023-01',
      document: acts.default_scheme,
    })
  }
  const month = '2023-03'
  const info = await boss.get(`/api/scoring/months/${month}`).catch(() => null)
  if (!info || info.status === 'draft' || info.status === 'none') {
    await boss.post(`/api/scoring/months/${month}/compute`)
    await boss.post(`/api/scoring/months/${month}/publish`)
  }
  return month
}

describe('执法监督与积分页面', { timeout: 300_000 }, () => {
  before(async () => {
    await h.start()
    const fzy = new ApiClient(h.baseURL)
    const mj = new ApiClient(h.baseURL)
    await fzy.login('fazhiyuan', PASSWORD)
    await mj.login('minjing', PASSWORD)
    state.fazhiyuan = fzy
    state.minjing = mj
    state.modules = (await fzy.has('/api/cases/meta')) && (await fzy.has('/api/alerts'))
    state.scoring = await fzy.has('/api/scoring/acts')
    if (state.modules) state.seededCase = await seedCase(fzy, mj)
    if (state.scoring) {
      const boss = new ApiClient(h.baseURL)
      await boss.login('leader', PASSWORD)
      state.pointsMonth = await ensurePoints(fzy, mj, boss)
    }
  })

  after(async () => {
    await h.stop()
  })

  it('法制员按预警状态筛选案件，在案件页看到倒计时、规则编号和法律依据', async (t) => {
    if (!state.modules) return t.skip('服务端尚未提供案件/监管接口')
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    const menu = await page.getByTestId('side-menu').innerText()
    for (const item of ['案件管理', '执法监督', '执法积分']) assert.ok(menu.includes(item), `菜单应有“${item}”：${menu}`)
    await h.screenshot(page, '20-fazhiyuan-home')

    await page.getByTestId('menu-cases-menu').click()
    await page.getByTestId('menu-cases').click()
    await page.waitForURL('**/cases**')
    await waitTableIdle(page, 'cases-table')
    await h.screenshot(page, '21-case-list')

    await pickOption(page, 'cases-filter-alert', '告警')
    await waitTableIdle(page, 'cases-table')
    const rows = await eventually(async () => {
      const r = await tableRows(page, 'cases-table')
      return r.length ? r : null
    }, { message: '按“告警”筛选应至少有一件案件' })
    // Column 0 is the row-selection checkbox (导出所选, 批量督办).
    const alertCol = rows.map((r) => r[8])
    assert.ok(alertCol.every((c) => c === '告警'), `筛选后每件案件都应是告警：${JSON.stringify(alertCol)}`)
    // 最近期限 of a case in 告警 is its passed due time, not "—" (issue 11, defect 4).
    const dueCol = rows.map((r) => r[9])
    assert.ok(dueCol.every((c) => /^\d{4}-\d{2}-\d{2}/.test(c)), `告警案件应显示最近期限：${JSON.stringify(dueCol)}`)
    assert.match(page.url(), /alert_state=overdue/)
    await h.screenshot(page, '22-case-list-overdue')

    // Open the first case of the filtered list.
    await page.getByTestId('cases-table').locator('.el-table__body-wrapper tr.el-table__row').first().click()
    await page.waitForURL(/\/cases\/\d+$/)
    await page.getByTestId('case-header').waitFor()
    assert.match(await page.getByTestId('case-alert-state').innerText(), /告警/)
    const clock = page.locator('[data-testid^="clock-"][data-state="overdue"]').first()
    await clock.waitFor()
    const ruleId = (await clock.getByTestId('clock-rule').innerText()).trim()
    assert.match(ruleId, /^[A-Z]+(-[A-Za-z0-9]+)+$/, `倒计时应显示规则编号：${ruleId}`)
    assert.match(await clock.getByTestId('clock-left').innerText(), /已超期/)
    const law = await clock.getByTestId('clock-law').innerText()
    assert.match(law, /法律依据：.*(法|规定|条)/, `应显示法律依据：${law}`)
    assert.ok((await page.getByTestId('case-timeline').innerText()).length > 10)
    await h.screenshot(page, '23-case-page-clocks')

    // The same clock in the alert centre.
    await page.goto('/alerts?state=overdue')
    await waitTableIdle(page, 'alerts-table')
    const alerts = await eventually(async () => {
      const r = await tableRows(page, 'alerts-table')
      return r.length ? r : null
    }, { message: '预警中心应列出告警' })
    assert.ok(alerts.every((r) => r[1] === '告警'), JSON.stringify(alerts.slice(0, 3)))  // r[0]: the checkbox
    await h.screenshot(page, '24-alert-centre')

    for (const [path, testid, shot] of [
      ['/oversight/rules', 'rules-table', '25-rule-config'],
      ['/oversight/calendar', 'calendar-view', '26-holiday-calendar'],
      ['/oversight/metrics', 'metrics-kpis', '27-metrics'],
      ['/reviews', 'reviews-table', '28-reviews'],
    ]) {
      await page.goto(path)
      await page.getByTestId(testid).waitFor()
      if (path.includes('metrics')) await page.getByTestId('metrics-trend-chart').locator('canvas').waitFor({ timeout: 30_000 })
      await page.waitForTimeout(300)
      await h.screenshot(page, shot)
    }

    // Switching a rule off saves and activates a new catalog version; the open cases are then
    // re-evaluated in the background with a progress bar on the page. Switched back on afterwards.
    await page.goto('/oversight/rules')
    const toggle = page.locator('[data-testid^="rule-enabled-"]').first()
    await toggle.waitFor()
    let lastVersion = 0
    for (const verb of ['停用', '启用']) {
      await toggle.click()
      await page.locator('.el-message-box').getByRole('button', { name: verb, exact: true }).click()
      const done = await eventually(async () => {
        const text = await page.getByTestId('reevaluation').innerText().catch(() => '')
        const m = /重新评估完成（启用规则目录第 (\d+) 版）/.exec(text)
        return m && Number(m[1]) > lastVersion ? text : null
      }, { message: `${verb}规则后应在页面上看到按新版本重新评估完成`, timeout: 60_000 })
      assert.match(done, /\d+ 件/, done)
      lastVersion = Number(/第 (\d+) 版/.exec(done)[1])
    }
    await h.screenshot(page, '25b-rule-reevaluation')
    await page.context().close()
  })

  it('法制员在案件页添加事件：状态门槛拒绝时显示服务器的说明', async (t) => {
    if (!state.modules || !state.seededCase) return t.skip('服务端尚未提供案件/监管接口')
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/cases/${state.seededCase.id}`)
    await page.getByTestId('case-header').waitFor()
    const clocks = page.getByTestId('case-clocks')
    await clocks.locator('[data-testid="clock-CRIM-DETAIN-02"]').first().waitFor()

    // 通知家属 for p1: the CRIM-DETAIN-02 clock ends (late).
    await page.getByTestId('event-add').click()
    await page.getByTestId('event-type').click()
    await page.keyboard.type('通知家属')
    await page.locator('.el-select-dropdown__item:visible', { hasText: '通知家属' }).first().click()
    await input(page, 'event-time').fill('2023-03-03 12:00')
    await page.keyboard.press('Enter')
    await pickOption(page, 'event-person', '测试嫌疑人')
    await h.screenshot(page, '29-add-event')
    await page.getByTestId('event-submit').click()
    await expectToast(page, /已记录“通知家属”/)
    await eventually(async () => (await page.getByTestId('case-timeline').innerText()).includes('通知家属'), { message: '时间轴应出现通知家属' })
    await eventually(
      async () => (await clocks.locator('[data-testid="clock-CRIM-DETAIN-02"]').first().getAttribute('data-state')) === 'done_late',
      { message: 'CRIM-DETAIN-02 应变为超期办结' },
    )
    await h.screenshot(page, '30-case-after-event')

    // A move the review gate refuses shows the server's 409 message in the dialog.
    const action = page.locator('[data-testid^="case-action-"]').first()
    if (await action.count()) {
      await action.click()
      await page.getByTestId('transition-submit').click()
      const err = page.getByTestId('transition-error')
      const outcome = await Promise.race([
        err.waitFor().then(() => 'error'),
        page.locator('.el-message--success').first().waitFor().then(() => 'ok'),
      ])
      if (outcome === 'error') {
        assert.ok((await err.innerText()).length > 4, '应显示服务器的中文说明')
        await h.screenshot(page, '31-transition-refused')
        await page.keyboard.press('Escape')
      }
    }
    await page.context().close()
  })

  it('督办：法制员下发，办案民警附材料整改回复，法制员审核办结', async (t) => {
    if (!state.modules || !state.seededCase) return t.skip('服务端尚未提供案件/监管接口')
    const boss = await h.newPage()
    await login(boss, 'fazhiyuan')
    await boss.goto(`/cases/${state.seededCase.id}`)
    await boss.getByTestId('case-header').waitFor()
    await boss.getByRole('tab', { name: /督办/ }).click()
    await boss.getByTestId('order-add').click()
    await pickOption(boss, 'order-problem-type', '程序')
    await textarea(boss, 'order-opinion').fill('拘留后未在24小时内通知家属，请说明原因并补正通知记录。')
    await boss.getByTestId('order-create-submit').click()
    await expectToast(boss, /已下发督办/)
    const orderRow = boss.getByTestId('case-orders').locator('tr.el-table__row').first()
    await orderRow.waitFor()
    const orderId = Number((await orderRow.locator('td').first().innerText()).trim())
    assert.ok(orderId > 0)

    const officer = await h.newPage()
    await login(officer, 'minjing')
    await officer.getByTestId('menu-oversight').click()
    await officer.getByTestId('menu-orders').click()
    await officer.waitForURL('**/orders**')
    await waitTableIdle(officer, 'orders-table')
    await eventually(async () => (await tableRows(officer, 'orders-table')).some((r) => Number(r[0]) === orderId), {
      message: '办案民警的督办列表应有新下发的事项',
    })
    await h.screenshot(officer, '32-orders-officer')
    await officer.goto(`/orders/${orderId}`)
    await officer.getByTestId('order-answer').waitFor()
    await textarea(officer, 'order-answer-text').fill('已补充通知家属记录，并对办案民警进行提醒教育。')
    await officer.locator('[data-testid="order-answer-files"] input[type=file]').setInputFiles({
      name: '通知家属回执.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('家属通知回执（补正）\n', 'utf8'),
    })
    await officer.getByTestId('order-answer-submit').click()
    await expectToast(officer, /整改回复已提交/)
    assert.match(await officer.getByTestId('order-status').innerText(), /待审核/)
    assert.match(await officer.getByTestId('order-steps').innerText(), /通知家属回执\.txt/)
    await h.screenshot(officer, '33-order-answered')
    await officer.context().close()

    await boss.goto(`/orders/${orderId}`)
    await boss.getByTestId('order-close').click()
    await textarea(boss, 'order-action-note').fill('整改到位')
    await boss.getByTestId('order-action-submit').click()
    await eventually(async () => /已办结/.test(await boss.getByTestId('order-status').innerText()), { message: '督办应已办结' })
    await h.screenshot(boss, '34-order-closed')
    await boss.context().close()
  })

  it('办案民警查看本人积分：合计、趋势和逐条明细（可追溯到案件）', async (t) => {
    if (!state.scoring || !state.pointsMonth) return t.skip('服务端尚未提供积分接口')
    const page = await h.newPage()
    await login(page, 'minjing')
    const menu = await page.getByTestId('side-menu').innerText()
    assert.ok(!menu.includes('监管配置'), `办案民警不应看到监管配置：${menu}`)
    await h.screenshot(page, '35-minjing-home')
    await page.goto(`/points/me?month=${state.pointsMonth}`)
    await page.getByTestId('points-summary').waitFor()
    const entries = await eventually(async () => {
      const r = await tableRows(page, 'points-entries')
      return r.length ? r : null
    }, { message: '我的积分应有明细' })
    assert.ok(entries.every((r) => /^[+-]?\d/.test(r[5])), `每条明细应有分值：${JSON.stringify(entries.slice(0, 3))}`)
    assert.ok((await page.getByTestId('points-entry-case').count()) > 0, '明细应能链接到案件')
    assert.match(await page.getByTestId('points-total').innerText(), /^-?\d/)
    await page.getByTestId('points-trend').locator('canvas').waitFor({ timeout: 30_000 })
    await h.screenshot(page, '36-my-points')

    await page.goto(`/points/rankings?month=${state.pointsMonth}`)
    await page.getByTestId('rank-units').waitFor()
    await h.screenshot(page, '37-rankings')
    await page.goto(`/print/points/${state.pointsMonth}`)
    await page.getByTestId('publicity-sheet').waitFor()
    assert.match(await page.getByTestId('publicity-sheet').innerText(), /执法办案积分晾晒/)
    await h.screenshot(page, '38-publicity-sheet')
    await page.context().close()
  })
  it('局领导首页看到辖区积分第一名的单位和参与排名的单位数，而不是本人“分局第 N 名”', async (t) => {
    if (!state.scoring || !state.pointsMonth) return t.skip('服务端尚未提供积分接口')
    const page = await h.newPage()
    await login(page, 'leader')
    const card = page.getByTestId('home-work-points')
    await card.waitFor()
    const text = await card.innerText()
    // The card names the first unit (not a bare count that reads like a rank) and how many are ranked.
    assert.match(text, /单位积分第一名\s*\S*(派出所|大队|中队)/, text)
    assert.match(text, /共 \d+ 个单位参与排名/, text)
    assert.doesNotMatch(text, /分局第 \d+ 名/, text)
    await h.screenshot(page, '42-leader-home-points')
    await page.context().close()
  })

  it('法制审核队列：首页待审核数，队列按期限排在前面，审核通过后移出队列', async (t) => {
    if (!state.modules || !state.seededCase) return t.skip('服务端尚未提供案件/监管接口')
    const fzy = state.fazhiyuan
    // The seeded case is a criminal case in 受案 bound to the 法制员: it waits for 立案审核.
    const before = await fzy.get('/api/reviews/queue?scope=mine&state=pending&page_size=200')
    const item = before.items.find((i) => i.case_id === state.seededCase.id)
    assert.ok(item, '捆绑本人的受案刑事案件应在待审核队列中')
    assert.equal(item.pending_stage_name, '立案审核')

    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    const card = page.getByTestId('home-work-reviews')
    await card.waitFor()
    await eventually(async () => (await card.innerText()).includes(String(before.pending_total)), {
      message: `首页应显示待审核 ${before.pending_total} 件`,
    })
    await h.screenshot(page, '39-fazhiyuan-home-reviews')
    await card.click()
    await page.waitForURL(/\/reviews\?.*state=pending/)
    await waitTableIdle(page, 'reviews-table')
    await eventually(async () => (await page.getByTestId('reviews-pending-total').innerText()) === `待审核 ${before.pending_total} 件`, {
      message: `队列页应显示待审核 ${before.pending_total} 件`,
    })
    const rows = await eventually(async () => {
      const r = await tableRows(page, 'reviews-table')
      return r.length ? r : null
    }, { message: '待审核队列应有案件' })
    assert.ok(rows.every((r) => /审核/.test(r[6])), `队列每行都应有待审核环节：${JSON.stringify(rows.slice(0, 3))}`)
    await h.screenshot(page, '40-review-queue')

    // Review the seeded case (find it by its 案件编号 through the keyword filter) and pass it.
    await input(page, 'reviews-q').fill(state.seededCase.external_id)
    await page.keyboard.press('Enter')
    await waitTableIdle(page, 'reviews-table')
    await eventually(async () => (await page.getByTestId('reviews-pending-total').innerText()) === '待审核 1 件', {
      message: '按案件编号筛选后应只剩这一件待审核',
    })
    await page.getByTestId(`review-case-${state.seededCase.id}`).click()
    const dialog = page.getByTestId('review-dialog')
    await dialog.waitFor()
    await dialog.getByTestId('review-verdict').getByText('通过', { exact: true }).click()
    await dialog.getByTestId('review-submit').click()
    await expectToast(page, /审核/)
    await eventually(async () => (await page.getByTestId(`review-case-${state.seededCase.id}`).count()) === 0, {
      message: '审核通过后该案件应移出待审核队列',
    })
    // The count follows the filter (here: this one case's 案件编号): 1 before, 0 after.
    await eventually(async () => (await page.getByTestId('reviews-pending-total').innerText()) === '待审核 0 件', {
      message: '审核后（按该案件编号筛选）应显示待审核 0 件',
    })
    // Under 未结案件 it is still listed, with the verdict and the reviewer.
    await page.getByTestId('reviews-state').getByText('未结案件').click()
    await waitTableIdle(page, 'reviews-table')
    const after = await eventually(async () => {
      const r = await tableRows(page, 'reviews-table')
      return r.find((x) => x[0] === state.seededCase.external_id) ?? null
    }, { message: '未结案件中应能看到刚审核的案件' })
    assert.match(after[8], /立案审核.*通过/s, JSON.stringify(after))
    await h.screenshot(page, '41-review-queue-after')
    await page.context().close()
  })

  it('记录释放及离开方式：只在释放事件显示该字段，时间轴显示中文离开方式', async (t) => {
    if (!state.modules || !state.seededCase) return t.skip('服务端尚未提供案件/监管接口')
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto(`/cases/${state.seededCase.id}`)
    await page.getByTestId('case-header').waitFor()
    await page.getByTestId('event-add').click()
    await page.getByTestId('event-type').click()
    await page.keyboard.type('释放')
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^释放$/ }).first().click()
    await input(page, 'event-time').fill('2023-03-04 22:00')
    await page.keyboard.press('Enter')
    await pickOption(page, 'event-person', '测试嫌疑人')
    await pickOption(page, 'event-attr-release_mode', '通知家属或监护人领回')
    // The facts of an extension belong to 延长审批 only.
    assert.equal(await page.getByTestId('event-attr-offences').count(), 0)
    await page.getByTestId('event-submit').click()
    await expectToast(page, /已记录“释放”/)
    await eventually(async () => (await page.getByTestId('case-timeline').innerText()).includes('离开方式：通知家属或监护人领回'), {
      message: '时间轴应显示离开方式',
    })
    await h.screenshot(page, '42-release-mode')
    await page.context().close()
  })
})
