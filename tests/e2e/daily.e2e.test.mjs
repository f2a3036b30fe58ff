// Browser tests of each role's daily work (issue 11) against a real `fazhi serve` on the demo
// database: the 法制员 sets a rule in a form (on/off, this bureau's limit within the law's, the 预警
// lead) instead of JSON; the 安全管理员's and the 办案民警's to-do counts on the home page; the 督办
// list's export; a notification opens its object (the 督办, the review, the case).
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test daily.e2e.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness, eventually } from './lib/harness.mjs'
import { DEMO_PASSWORD, input, login } from './lib/ui.mjs'
import { ApiClient } from './lib/api.mjs'
import fs from 'node:fs'
import { createRequire } from 'node:module'

// Evaluated through the DevTools protocol: the app's CSP (default-src 'self') refuses a script tag.
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

const h = new Harness()
const state = { fzy: null, mj: null, caseId: null, orderId: null }

async function expectToast(page, re) {
  await page.locator('.el-message', { hasText: re }).first().waitFor()
}

async function tableRows(page, testid) {
  return page
    .getByTestId(testid)
    .locator('.el-table__body-wrapper tr.el-table__row')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
}

/** axe-core on the page as it is: the serious and critical violations, as short lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource)
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  )
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join(' | ')}`)
}

/** The main pages of the 法制员's day, with an element that says each has loaded. */
function mainPages() {
  return [
    ['/', 'home-work'],
    ['/cases', 'cases-table'],
    [`/cases/${state.caseId}`, 'case-header'],
    ['/alerts', 'alerts-table'],
    ['/orders', 'orders-table'],
    ['/reviews', 'reviews-table'],
  ]
}

async function settle(page, testid) {
  await page.getByTestId(testid).first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(300)
}

/** A Beijing calendar day (YYYY-MM-DD), `offset` days from today. */
function beijingDay(offset) {
  return new Date(Date.now() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10)
}

describe('各角色的日常工作', { timeout: 1_200_000 }, () => {
  before(async () => {
    await h.start()
    state.fzy = new ApiClient(h.baseURL)
    state.mj = new ApiClient(h.baseURL)
    await state.fzy.login('fazhiyuan', DEMO_PASSWORD)
    await state.mj.login('minjing', DEMO_PASSWORD)
    // A case of minjing's in his own 派出所, bound to the 法制员 (in his scope through the binding).
    const c = await state.mj.post('/api/cases', {
      case_type: 'criminal',
      cause: '盗窃',
      title: '端到端测试：日常工作案',
      category: '民生小案',
      unit_id: state.mj.me.unit.id,
      lead_officer_id: state.mj.me.person_id,
      legal_officer_id: state.fzy.me.person_id,
      accepted_at: '2023-03-01 09:00',
    })
    state.caseId = c.id
  })

  after(async () => {
    await h.stop()
  })

  it('法制员用表单设置规则：启停、期限不超过法定、预警提前量，法律依据可见，每次修改成为新版本', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/oversight/rules')
    await input(page, 'rules-filter-q').fill('CRIM-DETAIN-04')
    await page.getByTestId('rule-edit-CRIM-DETAIN-04').click()
    const dialog = page.getByTestId('rule-form')
    await dialog.waitFor()
    assert.match(await dialog.getByTestId('rule-form-basis').innerText(), /刑事诉讼法/)
    assert.equal((await dialog.getByTestId('rule-form-legal-limit').innerText()).trim(), '3日')
    // The law's 3 days is the most the form takes: 5 becomes 3.
    const limit = input(dialog, 'rule-form-limit')
    await limit.fill('5')
    await limit.blur()
    assert.equal(await limit.inputValue(), '3')
    await limit.fill('2')
    await limit.blur()
    await dialog.getByText('自定义', { exact: true }).click()
    await input(dialog, 'rule-form-lead').fill('1')
    await input(dialog, 'rule-form-lead').blur()
    await dialog.getByTestId('rule-form-lead-unit').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '日' }).first().click()
    await input(dialog, 'rule-form-note').fill('内部从严：拘留后两日内提请批捕')
    await h.screenshot(page, '70-rule-form')
    await dialog.getByTestId('rule-form-save').click()
    await expectToast(page, /已保存为第 2 版并启用/)
    await eventually(async () => {
      const rows = await tableRows(page, 'rules-table')
      return rows.some((r) => r.includes('2日') && r.includes('1日'))
    }, { message: '规则表应显示新期限 2日 和预警提前 1日' })
    const versions = await page.getByTestId('config-versions').innerText()
    assert.match(versions, /第 2 版/)
    assert.match(versions, /内部从严/)
    const cat = await state.fzy.get('/api/oversight/catalog')
    const rule = cat.catalog.rules.find((r) => r.id === 'CRIM-DETAIN-04')
    assert.deepEqual(rule.limit, { value: 2, unit: 'days' })
    assert.deepEqual(rule.pre_warn, { value: 1, unit: 'days' })
    // Beyond the law, even through the JSON: refused, in Chinese, nothing saved.
    rule.limit = { value: 4, unit: 'days' }
    await assert.rejects(state.fzy.put('/api/oversight/catalog', { catalog: cat.catalog, note: '超过法定' }), (e) => {
      assert.equal(e.status, 400)
      assert.equal(e.code, 'beyond_legal_limit')
      return true
    })
    assert.equal((await state.fzy.get('/api/oversight/catalog')).active_version, 2)
    await page.context().close()
  })

  it('安全管理员首页看到被锁定的账号数，点击进入解锁页', async () => {
    const victim = new ApiClient(h.baseURL)
    for (let i = 0; i < 5; ++i) await victim.login('xuncha', `Wrong@${i}pass`).catch(() => undefined)
    const page = await h.newPage()
    await login(page, 'secadmin')
    const card = page.getByTestId('home-work-locked')
    await card.waitFor()
    assert.ok(Number((await card.locator('.work-value').innerText()).trim()) >= 1)
    await h.screenshot(page, '71-secadmin-home')
    await card.click()
    await page.waitForURL('**/security/unlock')
    await eventually(async () => (await tableRows(page, 'unlock-table')).some((r) => r[0] === 'xuncha'), {
      message: '解锁页应列出被锁定的 xuncha',
    })
    await page.context().close()
  })

  it('办案民警首页看到待整改的督办和今日到期的计时', async () => {
    // A 督办 for minjing and a clock of his due today (a 拘留 23 hours ago: 24 h to notify the family).
    await state.fzy.post('/api/supervision-orders', {
      source: 'manual',
      case_id: state.caseId,
      problem_type: '证据',
      opinion: '端到端测试：补充调取现场监控录像',
      responsible_person_id: state.mj.me.person_id,
      deadline: Math.floor(Date.now() / 1000) + 3 * 86400,
    })
    const today = await state.mj.get(
      `/api/alerts?officer_id=${state.mj.me.person_id}&due_from=${beijingDay(0)}&due_to=${beijingDay(1)}&page_size=1`,
    )
    const page = await h.newPage()
    await login(page, 'minjing')
    const orders = page.getByTestId('home-work-orders')
    await orders.waitFor()
    assert.ok(Number((await orders.locator('.work-value').innerText()).trim()) >= 1)
    const due = page.getByTestId('home-work-due-today')
    await due.waitFor()
    assert.equal(Number((await due.locator('.work-value').innerText()).trim()), today.total)
    await h.screenshot(page, '72-minjing-home')
    await due.click()
    await page.waitForURL(/\/alerts\?.*due=/)
    await eventually(async () => /共 \d+ 条/.test(await page.locator('.toolbar').first().innerText()))
    const shown = Number(/共 (\d+) 条/.exec(await page.locator('.toolbar').first().innerText())[1])
    assert.equal(shown, today.total)
    await page.context().close()
  })

  it('督办列表按当前筛选导出 Excel', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/orders?status=open')
    await page.getByTestId('orders-table').waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-export').click()])
    assert.equal(download.suggestedFilename(), '督办.xlsx')
    const chunks = []
    for await (const c of await download.createReadStream()) chunks.push(c)
    const bytes = Buffer.concat(chunks)
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK')
    const res = await state.fzy.request('GET', '/api/supervision-orders/export?status=weird', undefined, { raw: true })
    assert.equal(res.status, 400)
    await page.context().close()
  })

  it('通知打开它所说的对象：督办、审核、案件', async () => {
    // A 督办 and a review (需整改) on minjing's case: he is told of both.
    const order = await state.fzy.post('/api/supervision-orders', {
      source: 'manual',
      case_id: state.caseId,
      problem_type: '程序',
      opinion: '端到端测试：通知应打开督办',
      responsible_person_id: state.mj.me.person_id,
      deadline: Math.floor(Date.now() / 1000) + 3 * 86400,
    })
    const review = await state.fzy.post(`/api/cases/${state.caseId}/reviews`, {
      stage: 'accept',
      verdict: 'fix_required',
      comment: '端到端测试：通知应打开这条审核',
      findings: [{ category: 'procedure', description: '受案登记表缺少接报时间' }],
    })
    const list = (await state.mj.get('/api/notifications?page_size=50')).items
    state.orderId = order.id
    const aboutOrder = list.find((n) => n.object_type === 'supervision_order' && n.object_id === order.id)
    const aboutReview = list.find((n) => n.object_type === 'review' && n.object_id === review.id)
    assert.ok(aboutOrder, '办案民警应收到督办通知')
    assert.ok(aboutReview, '办案民警应收到审核通知')

    const page = await h.newPage()
    await login(page, 'minjing')
    await page.getByTestId('notif-bell').click()
    await page.getByTestId(`notif-item-${aboutOrder.id}`).click()
    await page.waitForURL(`**/orders/${order.id}`)
    await page.getByTestId('order-status').waitFor()

    await page.getByTestId('notif-bell').click()
    await page.getByTestId(`notif-item-${aboutReview.id}`).click()
    await page.waitForURL(new RegExp(`/cases/${state.caseId}\\?.*tab=reviews`))
    const card = page.getByTestId(`review-${review.id}`)
    await card.waitFor()
    assert.equal(await card.getAttribute('data-focused'), 'true')
    assert.ok(await card.isVisible())
    await h.screenshot(page, '73-notification-review')

    // The notification page opens the same objects; a case notification opens the case.
    const aboutCase = (await state.mj.get('/api/notifications?page_size=20')).items.find(
      (n) => n.object_type === 'case' && n.case_id,
    )
    if (aboutCase) {
      await page.goto('/notifications')
      await page.getByTestId(`notif-open-${aboutCase.id}`).click()
      await page.waitForURL(new RegExp(`/cases/${aboutCase.case_id}(\\?|$)`))
      await page.getByTestId('case-header').waitFor()
    }
    await page.context().close()
  })

  it('键盘：菜单、通知铃、首页卡片和列表行都能用 Tab 到达、用回车打开', async () => {
    // At least one 督办 row to open (the test may run alone).
    await state.fzy.post('/api/supervision-orders', {
      source: 'manual',
      case_id: state.caseId,
      problem_type: '程序',
      opinion: '端到端测试：键盘打开督办',
      responsible_person_id: state.mj.me.person_id,
      deadline: Math.floor(Date.now() / 1000) + 3 * 86400,
    })
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.getByTestId('home-work').waitFor()
    const reached = new Set()
    for (let i = 0; i < 60; ++i) {
      await page.keyboard.press('Tab')
      const id = await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? '')
      reached.add(id)
    }
    assert.ok([...reached].some((id) => id.startsWith('menu-')), `Tab 应能到达菜单项：${[...reached].join(', ')}`)
    assert.ok(reached.has('notif-bell'), `Tab 应能到达通知铃：${[...reached].join(', ')}`)
    assert.ok([...reached].some((id) => id.startsWith('home-work-')), `Tab 应能到达首页待办卡片：${[...reached].join(', ')}`)

    // A menu group opens with Enter, its page with Enter.
    await page.getByTestId('menu-oversight').locator('.el-sub-menu__title').focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('menu-orders').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL('**/orders')
    // A list row opens with Enter.
    const row = page.getByTestId('orders-table').locator('tr.el-table__row').first()
    await row.waitFor()
    const id = (await row.locator('td').first().innerText()).trim()
    await row.focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(`**/orders/${id}`)
    // The bell opens with Enter; a home card with Enter.
    await page.getByTestId('notif-bell').focus()
    await page.keyboard.press('Enter')
    await page.getByTestId('notif-list').waitFor()
    await page.keyboard.press('Escape')
    await page.goto('/')
    await page.getByTestId('home-work-alerts').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL('**/alerts**')
    await page.context().close()
  })

  it('axe-core：首页、案件列表、案件页、预警中心、督办、法制审核没有严重或危急的无障碍问题', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    const found = []
    for (const [path, testid] of mainPages()) {
      await page.goto(path)
      await settle(page, testid)
      for (const v of await axeViolations(page)) found.push(`${path} ${v}`)
    }
    console.log(`axe-core：${mainPages().length} 个页面，严重/危急问题 ${found.length} 个`)
    assert.deepEqual(found, [])
    await page.context().close()
  })

  it('手机（390 像素宽）：菜单变为抽屉，页头放得下，主要页面没有横向滚动', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.setViewportSize({ width: 390, height: 844 })
    const wide = []
    for (const [path, testid] of mainPages()) {
      await page.goto(path)
      await settle(page, testid)
      const m = await page.evaluate(() => ({
        scroll: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        width: window.innerWidth,
        header: document.querySelector('.header')?.scrollWidth ?? 0,
      }))
      if (m.scroll > m.width || m.header > m.width) wide.push(`${path}: 页面宽 ${m.scroll}，页头宽 ${m.header}，窗口 ${m.width}`)
      if (path === '/') await h.screenshot(page, '75-phone-home')
    }
    assert.deepEqual(wide, [])
    assert.equal(await page.locator('.aside').count(), 0)
    await page.getByTestId('menu-toggle').click()
    await page.locator('.el-drawer [data-testid="side-menu"]').waitFor()
    await h.screenshot(page, '76-phone-menu')
    await page.context().close()
  })

  it('列表的日期范围有近7天、本月、上月快捷选项；页面有面包屑', async () => {
    const page = await h.newPage()
    await login(page, 'fazhiyuan')
    await page.goto('/alerts')
    await page.getByTestId('alerts-table').waitFor()
    await page.getByPlaceholder('开始').click()
    const shortcuts = page.locator('.el-picker-panel__shortcut:visible')
    await shortcuts.first().waitFor() // the panel opens with a transition
    assert.deepEqual((await shortcuts.allInnerTexts()).map((t) => t.trim()), ['近7天', '本月', '上月'])
    await shortcuts.filter({ hasText: '近7天' }).click()
    await eventually(async () => (await page.getByPlaceholder('开始').inputValue()) === beijingDay(-6), {
      message: '近7天应从 6 天前开始',
    })
    assert.equal(await page.getByPlaceholder('结束').inputValue(), beijingDay(0))

    await page.goto(`/orders/${state.orderId}`)
    const crumb = page.getByTestId('breadcrumb')
    await crumb.waitFor()
    assert.match((await crumb.innerText()).replace(/\s+/g, ''), /首页\/执法监督\/督办\/督办详情/)
    await crumb.getByText('督办', { exact: true }).click()
    await page.waitForURL(/\/orders$/)
    await page.context().close()
  })
})
