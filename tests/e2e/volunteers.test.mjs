// 平安志愿者 (issue 15 item 6) in the browser against a real `fazhi serve` on the demo database: the
// coordinator (志愿者管理员 zhiyuan) registers a volunteer, approves him (his account with an initial
// password) and dispatches a task; the volunteer on a 390-px phone signs in, chooses his own
// password, checks in and out at the task's place (the browser's position), reports a clue; the
// coordinator accepts the clue with points; the volunteer's points show, and a redemption beyond
// the balance is refused with the Chinese message.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test volunteers.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness, idNumber } from './lib/harness.mjs'
import { input, login, textarea } from './lib/ui.mjs'

const h = new Harness()
const state = { username: '', name: '测试蓝卫甲' }
const INITIAL = 'Start@2026x'
const MINE = 'Mine@2026xy'

async function settle(page, testid) {
  await page.getByTestId(testid).first().waitFor()
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(300)
}

async function chooseOption(page, testid, text) {
  await page.getByTestId(testid).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

async function phonePage() {
  const context = await h.browser.newContext({
    baseURL: h.baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    permissions: ['geolocation'],
    geolocation: { latitude: 35.49, longitude: 112.85, accuracy: 15 },
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error(`[页面脚本错误] ${err.message}`))
  return page
}

describe('平安志愿者：登记审核、派单、手机签到签退、线索与积分', { timeout: 900_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('管理员登记并审核通过一名志愿者，发布派单任务', async () => {
    const page = await h.newPage()
    await login(page, 'zhiyuan')
    await page.goto('/volunteers')
    await settle(page, 'vol-table')
    await page.getByTestId('vol-register').click()
    await input(page, 'reg-name').fill(state.name)
    await input(page, 'reg-id').fill(idNumber('140502', '19900512', '771'))
    await input(page, 'reg-phone').fill('13912340001')
    await chooseOption(page, 'reg-team', '东街')
    await page.getByTestId('reg-submit').click()
    await page.locator('.el-message', { hasText: '已登记' }).waitFor()
    // Find him among the pending registrations and approve him.
    await chooseOption(page, 'vol-status', '待审核')
    const row = page.locator('[data-testid="vol-table"] .el-table__row', { hasText: state.name })
    await row.waitFor()
    assert.match(await row.innerText(), /1405\*{10}/) // 身份证号 masked
    await row.getByRole('button', { name: '通过', exact: true }).click()
    await page.locator('.el-message-box input').fill(INITIAL)
    await page.locator('.el-message-box__btns .el-button--primary').click()
    const msg = page.locator('.el-message', { hasText: '志愿者账号' })
    await msg.waitFor()
    state.username = (await msg.innerText()).match(/zy\d+/)[0]
    await h.screenshot(page, 'volunteers-roster')

    await page.goto('/volunteers/tasks')
    await settle(page, 'task-table')
    await page.getByTestId('task-new').click()
    await input(page, 'task-title').fill('端到端测试巡防')
    await chooseOption(page, 'task-unit', '东街派出所')
    await page.getByTestId('task-volunteers').click()
    await input(page, 'task-volunteers').fill(state.name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: state.name }).first().click()
    await page.keyboard.press('Escape')
    await page.getByTestId('task-submit').click()
    await page.locator('.el-message', { hasText: '任务已发布' }).waitFor()
    await page.locator('[data-testid="task-table"] .el-table__row', { hasText: '端到端测试巡防' }).waitFor()
    await h.screenshot(page, 'volunteers-tasks')
    await page.context().close()
  })

  it('志愿者在手机上改密、签到签退、报告线索', async () => {
    const page = await phonePage()
    await page.goto('/login')
    await input(page, 'login-username').fill(state.username)
    await input(page, 'login-password').fill(INITIAL)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('password-dialog').waitFor()
    await input(page, 'password-old').fill(INITIAL)
    await input(page, 'password-new').fill(MINE)
    await input(page, 'password-confirm').fill(MINE)
    await page.getByTestId('password-submit').click()
    await page.getByTestId('password-dialog').waitFor({ state: 'hidden' })
    await page.goto('/volunteer')
    await settle(page, 'vol-me')
    await page.getByTestId('checkin').click()
    await page.locator('.el-message', { hasText: '签到成功' }).waitFor()
    // A clue reported during the task.
    await page.getByTestId('clue-open').click()
    await textarea(page, 'clue-text').fill('小区北门有人深夜反复查看电动车')
    await page.getByTestId('clue-submit').click()
    await page.locator('.el-message', { hasText: '线索已提交' }).waitFor()
    // Checked out at once: shorter than the minimum stay (30 min when the task sets none), so the stay
    // is flagged for the coordinator and the task's points are not credited.
    await page.getByTestId('checkout').click()
    // A warning toast naming the flag (not a green success), and the card shows 异常待核.
    const toast = page.locator('.el-message', { hasText: '已签退，存在异常' })
    await toast.waitFor()
    assert.match(await toast.getAttribute('class'), /el-message--warning/)
    assert.doesNotMatch(await toast.getAttribute('class'), /el-message--success/)
    assert.match(await toast.innerText(), /^已签退，存在异常：停留过短，待管理员核实$/)
    const stateTag = page.locator('[data-testid^="my-task-state-"]', { hasText: '异常待核' })
    await stateTag.waitFor()
    assert.match(await stateTag.getAttribute('class'), /el-tag--warning/)
    await page.locator('[data-testid^="my-task-note-"]', { hasText: '待管理员核实' }).waitFor()
    assert.equal(await page.getByTestId('my-balance').innerText(), '0')
    await h.screenshot(page, 'volunteers-phone')
    state.phone = page
  })

  it('管理员采纳线索并奖励积分', async () => {
    const page = await h.newPage()
    await login(page, 'zhiyuan')
    await page.goto('/volunteers/clues')
    await settle(page, 'clue-table')
    const row = page.locator('[data-testid="clue-table"] .el-table__row', { hasText: '小区北门有人深夜' })
    await row.waitFor()
    await row.getByRole('button', { name: '采纳', exact: true }).click()
    await page.locator('.el-message-box input').fill('5')
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('.el-message', { hasText: '已采纳' }).waitFor()
    await page.locator('[data-testid="ledger-table"] .el-table__row', { hasText: '线索采纳' }).first().waitFor()
    await h.screenshot(page, 'volunteers-clues')
    await page.context().close()
  })

  it('志愿者看到积分，超出余额的兑换被拒绝', async () => {
    const page = state.phone
    await page.reload()
    await settle(page, 'vol-me')
    assert.equal(await page.getByTestId('my-balance').innerText(), '5')
    const item = page.locator('.item', { hasText: '体检套餐' })
    await item.getByRole('button', { name: '兑换' }).click()
    const refused = page.locator('.el-message', { hasText: '积分余额不足' })
    await refused.waitFor()
    assert.match(await refused.innerText(), /当前余额 5 分/)
    assert.equal(await page.getByTestId('my-balance').innerText(), '5')
    await h.screenshot(page, 'volunteers-redeem-refused')
  })
})
