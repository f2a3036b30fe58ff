// Browser tests of the fazhi web app against a real `fazhi serve` (issue 2, item 10):
// log in, create a unit, import a roster with one bad row and read the per-row report,
// then as the 审计管理员 find the audit entry by user and by object.
// Run: FAZHI_BIN=/path/to/fazhi npm test   (see lib/harness.mjs)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness, eventually, idNumber } from './lib/harness.mjs'
import { msToNextStep, totp } from './lib/totp.mjs'

const PASSWORD = 'Demo@2026'
const NEW_UNIT = '城北新区派出所'
const h = new Harness()
const shared = { unitId: null }

/** An Element Plus input carries data-testid on the <input> itself; accept both shapes. */
function input(page, testid) {
  return page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()
}

async function login(page, username, password, { expectSuccess = true } = {}) {
  if (!page.url().includes('/login')) await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await page.getByTestId('login-submit').click()
  if (expectSuccess) {
    await page.waitForURL((url) => !url.pathname.startsWith('/login'))
    await page.getByTestId('side-menu').waitFor()
  }
}

async function pickOption(page, selectTestId, text) {
  await page.getByTestId(selectTestId).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** The visible rows of an el-table as arrays of trimmed cell texts. */
async function tableRows(page, testid) {
  return page
    .getByTestId(testid)
    .locator('.el-table__body-wrapper tr.el-table__row')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

async function expectToast(page, re) {
  const toast = page.locator('.el-message', { hasText: re }).first()
  await toast.waitFor()
  return toast.innerText()
}

async function logoutFromHeader(page) {
  await page.getByTestId('header-user').click()
  await page.getByTestId('action-logout').click()
  await confirmBox(page)
  await page.waitForURL('**/login**')
}

async function waitTableIdle(page, testid) {
  await page.waitForTimeout(100)
  await eventually(async () => (await page.getByTestId(testid).locator('.el-loading-mask:visible').count()) === 0, {
    message: '表格一直在加载',
  })
}

describe('fazhi 网页端到端', { timeout: 300_000 }, () => {
  before(async () => {
    await h.start()
  })

  after(async () => {
    await h.stop()
  })

  // Issue 11, defect 10: the built files are sent precompressed, so a first visit (empty cache)
  // of the login page is quick. The figures are printed; the budget can be raised on a slow machine
  // with FAZHI_E2E_FIRST_VISIT_MS.
  it('首次访问登录页在 1 秒内完成', async () => {
    const budget = Number(process.env.FAZHI_E2E_FIRST_VISIT_MS || 1000)
    const page = await h.newPage()
    // A first visit asks nothing that fails: no 401 of GET /api/me logged as an error (issue 11).
    const consoleErrors = []
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    await page.goto('/login', { waitUntil: 'load' })
    await input(page, 'login-username').waitFor({ state: 'visible' })
    const formMs = await page.evaluate(() => performance.now())
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const bytes = performance
        .getEntriesByType('resource')
        .reduce((sum, r) => sum + (r.transferSize || 0), nav.transferSize || 0)
      return { load: nav.loadEventEnd - nav.startTime, dcl: nav.domContentLoadedEventEnd - nav.startTime, bytes }
    })
    console.log(
      `首次访问登录页：load 事件 ${t.load.toFixed(0)} ms，DOMContentLoaded ${t.dcl.toFixed(0)} ms，` +
        `登录表单可见 ${formMs.toFixed(0)} ms，传输 ${(t.bytes / 1024).toFixed(0)} KiB（预算 ${budget} ms）`,
    )
    const asset = await page.evaluate(async () => {
      const src = [...document.querySelectorAll('script[src]')].map((s) => s.src)[0]
      const res = await fetch(src)
      return { cache: res.headers.get('cache-control'), encoding: res.headers.get('content-encoding') }
    })
    assert.equal(asset.cache, 'public, max-age=31536000, immutable')
    assert.ok(['br', 'gzip'].includes(asset.encoding), `静态文件应压缩发送：${asset.encoding}`)
    assert.ok(t.load <= budget, `登录页 load 事件 ${t.load.toFixed(0)} ms，超过 ${budget} ms`)
    // The form time is read by the driver after its visibility poll returns, so it carries the
    // driver's round trips; it is printed against the budget and only bounded loosely here.
    assert.ok(formMs <= 2 * budget, `登录表单 ${formMs.toFixed(0)} ms 后才可见，超过 ${2 * budget} ms`)
    assert.deepEqual(consoleErrors, [], `登录页不应有控制台错误：${consoleErrors.join('；')}`)
    await page.context().close()
  })

  it('密码错误时显示中文提示', async () => {
    const page = await h.newPage()
    await page.goto('/')
    await page.waitForURL('**/login**')
    await login(page, 'leader', 'wrong-Password1', { expectSuccess: false })
    const alert = page.getByTestId('login-error')
    await alert.waitFor()
    assert.match(await alert.innerText(), /用户名或密码错误/)
    await h.screenshot(page, '01-login-wrong-password')
    await page.context().close()
  })

  it('系统管理员登录后新建单位', async () => {
    const page = await h.newPage()
    await login(page, 'sysadmin', PASSWORD)
    assert.match(await page.getByTestId('home-roles').innerText(), /系统管理员/)
    const menu = await page.getByTestId('side-menu').innerText()
    for (const item of ['组织机构', '人员管理', '用户管理']) assert.ok(menu.includes(item), `菜单应有“${item}”：${menu}`)
    assert.ok(!menu.includes('审计日志'), `三员分立：系统管理员不应看到审计日志：${menu}`)
    await h.screenshot(page, '02-sysadmin-home')

    await page.getByTestId('menu-units').click()
    await page.waitForURL('**/org/units')
    const bureau = page.locator('[data-testid^="unit-node-"]', { hasText: '分县局' }).first()
    await bureau.click()
    await page.getByTestId('unit-add-child').click()
    await input(page, 'unit-form-name').fill(NEW_UNIT)
    await pickOption(page, 'unit-form-category', '派出所')
    await page.getByTestId('unit-form-submit').click()
    const node = page.locator('[data-testid^="unit-node-"]', { hasText: NEW_UNIT })
    await node.waitFor()
    await page.getByTestId('unit-dialog').waitFor({ state: 'hidden' })
    shared.unitId = Number((await node.getAttribute('data-testid')).replace('unit-node-', ''))
    assert.ok(shared.unitId > 0, '新单位应有编号')
    assert.match(await page.getByTestId('unit-detail').innerText(), new RegExp(NEW_UNIT))
    await h.screenshot(page, '03-unit-created')

    // Import a roster into it: three rows, the second with an impossible 类别.
    await page.getByTestId('menu-people').click()
    await page.waitForURL('**/org/people**')
    await page.getByTestId('people-import').click()
    const csv = [
      '姓名,警号,类别,单位,职务,法制员,身份证号,手机号',
      `周明远,99000101,民警,${NEW_UNIT},所长,是,${idNumber('110101', '19850312', '041')},13800138001`,
      `吴晓燕,99000102,协警,${NEW_UNIT},民警,否,${idNumber('110101', '19920705', '062')},13800138002`,
      `郑国强,F990103,辅警,${NEW_UNIT},辅警,否,${idNumber('110101', '19980120', '013')},13800138003`,
    ].join('\r\n')
    await page.locator('[data-testid="import-dialog"] input[type=file], input[type=file]').first().setInputFiles({
      name: '花名册.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('\uFEFF' + csv + '\r\n', 'utf8'),
    })
    await page.getByTestId('import-check').click()
    await page.getByTestId('import-summary').waitFor()
    await page.getByTestId('import-errors').waitFor()
    const errors = await tableRows(page, 'import-errors')
    assert.equal(errors.length, 1, `应只有一处问题：${JSON.stringify(errors)}`)
    const [row, column, message] = errors[0]
    assert.equal(row, '3', `问题应在第 3 行（表头为第 1 行）：${JSON.stringify(errors)}`)
    assert.match(column, /类别/)
    assert.ok(message.length > 0)
    assert.match(await page.getByTestId('import-summary').innerText(), /3 行.*2 行有效/)
    await h.screenshot(page, '04-import-check-report')

    await page.getByTestId('import-skip-invalid').click()
    await page.getByTestId('import-commit').click()
    const result = page.getByTestId('import-result')
    await result.waitFor()
    assert.match(await result.innerText(), /已导入 2 人/)
    await h.screenshot(page, '05-import-committed')
    await page.keyboard.press('Escape')

    await page.goto(`/org/people?unit_id=${shared.unitId}`)
    await waitTableIdle(page, 'people-table')
    const people = await eventually(async () => {
      const rows = await tableRows(page, 'people-table')
      return rows.length === 2 ? rows : null
    }, { message: '新单位应有 2 人' })
    const names = people.map((r) => r[0]).sort()
    assert.deepEqual(names, ['周明远', '郑国强'].sort())
    await h.screenshot(page, '06-people-of-new-unit')

    // 导出 with the same filter: an XLSX (a zip, "PK") named by the server.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('people-export').click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    const chunks = []
    for await (const c of await download.createReadStream()) chunks.push(c)
    const xlsx = Buffer.concat(chunks)
    assert.equal(xlsx.subarray(0, 2).toString('latin1'), 'PK', '导出文件应为 XLSX')
    await page.context().close()
  })

  it('审计管理员的菜单没有用户管理，能按用户和对象查到新建单位的审计记录', async () => {
    assert.ok(shared.unitId, '需要上一个场景建好的单位')
    const page = await h.newPage()
    // Straight to the audit page: the login page must bring us back there.
    await page.goto('/audit')
    await page.waitForURL((url) => url.pathname === '/login' && url.searchParams.get('redirect') === '/audit')
    await login(page, 'auditor', PASSWORD)
    await page.waitForURL('**/audit')

    const menu = await page.getByTestId('side-menu').innerText()
    assert.ok(menu.includes('审计日志'), menu)
    assert.ok(!menu.includes('用户管理'), `审计管理员不应看到用户管理：${menu}`)
    assert.ok(!menu.includes('人员管理'), `审计管理员不应看到人员管理：${menu}`)

    // By user.
    await input(page, 'audit-filter-user').fill('sysadmin')
    await page.getByTestId('audit-search').click()
    await waitTableIdle(page, 'audit-table')
    const byUser = await eventually(async () => {
      const rows = await tableRows(page, 'audit-table')
      return rows.length && rows.every((r) => r[2] === 'sysadmin') ? rows : null
    }, { message: '按用户筛选应只剩 sysadmin 的记录' })
    const creation = byUser.find((r) => r[3] === '单位·新增' && r[4].includes(`#${shared.unitId}`))
    assert.ok(creation, `应有新建单位的记录：${JSON.stringify(byUser.slice(0, 5))}`)
    await h.screenshot(page, '07-audit-by-user')

    // By object: type 单位 + the new unit's id.
    await input(page, 'audit-filter-user').fill('')
    await pickOption(page, 'audit-filter-object-type', '单位')
    await input(page, 'audit-filter-object-id').fill(String(shared.unitId))
    await page.getByTestId('audit-search').click()
    await waitTableIdle(page, 'audit-table')
    const byObject = await eventually(async () => {
      const rows = await tableRows(page, 'audit-table')
      return rows.length && rows.every((r) => r[4].includes(`#${shared.unitId}`)) ? rows : null
    }, { message: '按对象筛选应只剩该单位的记录' })
    assert.ok(byObject.some((r) => r[3] === '单位·新增'), JSON.stringify(byObject))
    assert.ok(byObject.some((r) => r[5].includes(NEW_UNIT)), `摘要应提到单位名：${JSON.stringify(byObject)}`)

    // Issue 11: every action is named in Chinese (no `unit·create` or `supervision_order·close`),
    // the action filter offers Chinese choices, and system rows (the demo's people) are listed.
    await page.getByTestId('audit-reset').click()
    await waitTableIdle(page, 'audit-table')
    const all = await eventually(async () => {
      const rows = await tableRows(page, 'audit-table')
      return rows.length ? rows : null
    })
    for (const r of all) assert.ok(!/[A-Za-z_]/.test(r[3]), `操作应为中文：${r[3]}`)
    // The option reads "人员·新增（N）"; "涉案人员·新增" must not match.
    await page.getByTestId('audit-filter-action').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: /^人员·新增（/ }).first().click()
    await page.getByTestId('audit-search').click()
    await waitTableIdle(page, 'audit-table')
    const created = await eventually(async () => {
      const rows = await tableRows(page, 'audit-table')
      return rows.length && rows.every((r) => r[3] === '人员·新增') ? rows : null
    }, { message: '按操作“人员·新增”筛选应列出演示数据新建人员的记录' })
    assert.ok(created.some((r) => r[2] === 'system'), `应含系统记录：${JSON.stringify(created.slice(0, 3))}`)
    await h.screenshot(page, '08a-audit-by-chinese-action')
    const [auditXlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()])
    assert.match(auditXlsx.suggestedFilename(), /\.xlsx$/)
    await page.getByTestId('audit-reset').click()
    await waitTableIdle(page, 'audit-table')
    await pickOption(page, 'audit-filter-object-type', '单位')
    await input(page, 'audit-filter-object-id').fill(String(shared.unitId))
    await page.getByTestId('audit-search').click()
    await waitTableIdle(page, 'audit-table')

    // Expand the first row for its detail, and check the hash chain.
    await page.getByTestId('audit-table').locator('.el-table__expand-icon').first().click()
    await page.getByTestId('audit-detail').first().waitFor()
    await page.getByTestId('audit-verify').click()
    const verify = page.getByTestId('audit-verify-result')
    await verify.waitFor()
    assert.match(await verify.innerText(), /哈希链完整/)
    await h.screenshot(page, '08-audit-by-object-verified')
    await page.context().close()
  })

  it('系统管理员从人员页面为该人员创建账号，账号关联人员', async () => {
    assert.ok(shared.unitId, '需要上一个场景建好的单位')
    const page = await h.newPage()
    await login(page, 'sysadmin', PASSWORD)
    await page.goto(`/org/people?unit_id=${shared.unitId}`)
    await waitTableIdle(page, 'people-table')
    const rows = await eventually(async () => {
      const r = await tableRows(page, 'people-table')
      return r.length ? r : null
    })
    const name = rows[0][0]
    await page.getByTestId('people-create-account').first().click()
    await page.waitForURL('**/admin/users**')
    await page.getByTestId('user-dialog').waitFor()
    assert.equal(await input(page, 'user-form-display-name').inputValue(), name)
    assert.match(await page.getByTestId('user-dialog').innerText(), new RegExp(name))
    await input(page, 'user-form-username').fill('linked01')
    await input(page, 'user-form-password').fill('Init@2026a')
    await input(page, 'user-form-confirm').fill('Init@2026a')
    await page.getByTestId('user-form-submit').click()
    await expectToast(page, /已新增用户/)
    await input(page, 'users-filter-q').fill('linked01')
    await page.getByTestId('users-search').click()
    const linked = await eventually(async () => {
      const r = (await tableRows(page, 'users-table')).find((x) => x[0] === 'linked01')
      return r ?? null
    }, { message: '新账号应出现在用户列表' })
    assert.equal(linked[4], name, `关联人员列应显示 ${name}：${JSON.stringify(linked)}`)
    await h.screenshot(page, '08b-account-linked-to-person')
    await page.context().close()
  })

  it('安全管理员看到安全策略和账号解锁，看不到用户管理和审计日志', async () => {
    const page = await h.newPage()
    await login(page, 'secadmin', PASSWORD)
    await page.getByTestId('menu-security').click()
    await page.getByTestId('menu-security-policy').click()
    await page.waitForURL('**/security/policy')
    const policy = page.getByTestId('security-policy')
    await policy.waitFor()
    assert.match(await policy.innerText(), /密码规则/)
    const menu = await page.getByTestId('side-menu').innerText()
    assert.ok(menu.includes('账号解锁'), menu)
    assert.ok(!menu.includes('用户管理') && !menu.includes('审计日志'), `三员分立：${menu}`)
    await h.screenshot(page, '09-secadmin-policy')
    await page.context().close()
  })

  it('账号全流程：新建账号、首次登录改密、要求两步验证、锁定后解锁', async () => {
    const admin = await h.newPage()
    await login(admin, 'sysadmin', PASSWORD)
    await admin.getByTestId('menu-users').click()
    await admin.getByTestId('user-add').click()
    await input(admin, 'user-form-username').fill('zhangwei')
    await input(admin, 'user-form-display-name').fill('张伟')
    await input(admin, 'user-form-password').fill('Init@2026a')
    await input(admin, 'user-form-confirm').fill('Init@2026a')
    await pickOption(admin, 'user-form-roles', '办案民警')
    await admin.locator('[data-testid="user-dialog"] .el-dialog__header').click()
    await admin.locator('.el-select[data-testid="user-form-unit"]').click()
    await admin.locator('.el-tree-node__content:visible', { hasText: '北街派出所' }).first().click()
    await admin.getByTestId('user-form-submit').click()
    await expectToast(admin, /已新增用户/)
    await eventually(async () => (await tableRows(admin, 'users-table')).some((r) => r[0] === 'zhangwei'))
    await admin.context().close()

    // A password set by an administrator must be replaced at the first sign-in.
    const user = await h.newPage()
    await login(user, 'zhangwei', 'Init@2026a')
    await user.getByTestId('password-dialog').waitFor()
    await input(user, 'password-old').fill('Init@2026a')
    await input(user, 'password-new').fill('Mine@2026b')
    await input(user, 'password-confirm').fill('Mine@2026b')
    await user.getByTestId('password-submit').click()
    await expectToast(user, /密码已修改/)
    await h.screenshot(user, '10-first-login-password-changed')

    // The 安全管理员 requires two-factor sign-in for the account.
    const sec = await h.newPage()
    await login(sec, 'secadmin', PASSWORD)
    await sec.goto('/security/unlock')
    await sec.getByTestId('unlock-only-locked').click()
    const row = sec.getByTestId('unlock-table').locator('tr.el-table__row', { hasText: 'zhangwei' })
    await row.locator('.el-switch').click()
    await expectToast(sec, /已要求“zhangwei”启用两步验证/)

    // The user must now enable it before going on: the dialog cannot be closed.
    await user.reload()
    await user.getByTestId('totp-dialog').waitFor()
    await user.getByTestId('totp-setup').click()
    const secret = (await user.getByTestId('totp-secret').innerText()).trim()
    assert.match(await user.getByTestId('totp-uri').innerText(), /^otpauth:\/\/totp\//)
    await input(user, 'totp-code').fill(totp(secret))
    await user.getByTestId('totp-enable').click()
    await expectToast(user, /两步验证已启用/)
    await h.screenshot(user, '11-totp-enabled')
    await user.keyboard.press('Escape')
    await logoutFromHeader(user)

    // Sign in again with a code from the next time step (a code is accepted only once).
    await user.waitForTimeout(msToNextStep() + 500)
    await login(user, 'zhangwei', 'Mine@2026b', { expectSuccess: false })
    await input(user, 'login-totp').waitFor()
    assert.match(await user.getByTestId('login-error').innerText(), /动态验证码/)
    await input(user, 'login-totp').fill(totp(secret))
    await user.getByTestId('login-submit').click()
    await user.getByTestId('side-menu').waitFor()
    await user.context().close()

    // Five wrong passwords lock the account; the 安全管理员 unlocks it.
    const victim = await h.newPage()
    let message = ''
    for (let i = 0; i < 6 && !/锁定/.test(message); i++) {
      const answered = victim.waitForResponse((r) => r.url().endsWith('/api/auth/login'))
      await login(victim, 'xuncha', `Wrong@${i}pass`, { expectSuccess: false })
      await answered
      await victim.waitForTimeout(100)
      message = await victim.getByTestId('login-error').innerText()
    }
    assert.match(message, /锁定/, `连续输错后应提示账号锁定：${message}`)
    await h.screenshot(victim, '12-account-locked')

    await sec.reload()
    const locked = sec.getByTestId('unlock-table').locator('tr.el-table__row', { hasText: 'xuncha' })
    await locked.waitFor()
    await locked.getByRole('button', { name: '解锁' }).click()
    await confirmBox(sec)
    await expectToast(sec, /已解锁/)
    await sec.context().close()

    await login(victim, 'xuncha', PASSWORD)
    await victim.context().close()
  })
})
