// Browser test of the user page under 三员分立 (issue 16 defect 2, the page side): the 系统管理员 is
// offered only the roles he may assign (the business roles), never the three administrator roles
// the server would refuse, and an administrator account's roles are shown but locked.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test admin_roles.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness } from './lib/harness.mjs'
import { login } from './lib/ui.mjs'

const h = new Harness()
const ADMIN_ROLES = ['系统管理员', '安全管理员', '审计管理员']

async function roleOptions(page) {
  await page.getByTestId('user-form-roles').click()
  const items = page.locator('.el-select-dropdown__item:visible')
  await items.first().waitFor()
  return (await items.allInnerTexts()).map((t) => t.trim())
}

describe('用户管理的角色选项（三员分立）', { timeout: 300_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('系统管理员新增用户时只能选业务角色，三员账号的角色锁定', async () => {
    const page = await h.newPage()
    await login(page, 'sysadmin')
    await page.getByTestId('menu-users').click()
    await page.getByTestId('user-add').click()
    const offered = await roleOptions(page)
    assert.ok(offered.includes('办案民警'), offered.join('、'))
    for (const r of ADMIN_ROLES) assert.ok(!offered.includes(r), `不应提供“${r}”：${offered.join('、')}`)
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="user-dialog"] .el-dialog__headerbtn').click()

    // The 审计管理员's account: its role is shown, the select is locked with a note.
    await page.getByTestId('users-table').locator('tr.el-table__row', { hasText: 'auditor' }).first()
      .getByText('编辑').click()
    await page.getByTestId('user-form-roles-locked').waitFor()
    assert.ok(await page.locator('.el-select[data-testid="user-form-roles"].is-disabled, [data-testid="user-form-roles"] .is-disabled').count() > 0)
    await h.screenshot(page, '70-users-admin-roles-locked')
    await page.context().close()
  })
})
