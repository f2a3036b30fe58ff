// Browser test of 执法通报 (issue 12) against a real `fazhi serve` on the demo database (whose 12 + 4
// bulletins of 2023 are already published): the 法制员 generates a 执法质量通报 draft for the month of
// the demo's live cases, edits its 导语, the 局领导 approves it, the 法制员 publishes it (期号 given,
// frozen), downloads the DOCX and opens the print page.
// Run: FAZHI_BIN=/path/to/fazhi FAZHI_WEB_ROOT=web/dist node --test bulletins.test.mjs
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { Harness } from './lib/harness.mjs'
import { input, login, textarea } from './lib/ui.mjs'

const h = new Harness()


async function expectToast(page, re) {
  await page.locator('.el-message', { hasText: re }).first().waitFor()
}

// The month (Beijing time) of 14 days ago: the demo's live cases (the 28 days before generation)
// always fall in it.
function liveMonth() {
  const d = new Date(Date.now() - 14 * 86400_000 + 8 * 3600_000)
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

describe('执法通报页面', { timeout: 300_000 }, () => {
  before(async () => {
    await h.start()
  })
  after(async () => {
    await h.stop()
  })

  it('法制员生成草稿、修改文字，局领导审批，发布后下载 DOCX 并打开打印版', async () => {
    const period = liveMonth()
    const fzy = await h.newPage()
    await login(fzy, 'fazhiyuan')
    await fzy.getByTestId('menu-bulletin-group').click()
    await fzy.getByTestId('menu-bulletins').click()
    await fzy.waitForURL('**/bulletins')
    // The demo year is archived: 2023年第7期 among the published issues.
    await fzy.getByTestId('bulletins-table').getByText('2023年第7期').first().waitFor()
    await h.screenshot(fzy, '60-bulletins-list')

    await fzy.getByTestId('bulletin-generate').click()
    await input(fzy, 'generate-period').fill(period)
    await fzy.getByTestId('generate-submit').click()
    await fzy.waitForURL(/\/bulletins\/\d+$/)
    await expectToast(fzy, '已生成通报草稿')
    assert.equal((await fzy.getByTestId('bulletin-state').innerText()).trim(), '草稿')
    // Figures are bound to the data and say where they came from.
    const cases = fzy.getByTestId('section-cases')
    await cases.getByText('受理案件').first().waitFor()
    await cases.getByText(/数据来源：案件库 cases/).first().waitFor()

    await textarea(fzy, 'narrative-intro').fill('端到端测试：本月导语由法制大队修改。')
    await fzy.getByTestId('bulletin-save').click()
    await expectToast(fzy, '已保存')
    await h.screenshot(fzy, '61-bulletin-draft')
    const url = fzy.url()

    const leader = await h.newPage()
    await login(leader, 'leader')
    await leader.goto(url)
    await leader.getByTestId('bulletin-approve').click()
    await expectToast(leader, '已审批')
    assert.equal((await leader.getByTestId('bulletin-state').innerText()).trim(), '已审批')

    await fzy.reload()
    assert.equal(await textarea(fzy, 'narrative-intro').inputValue(), '端到端测试：本月导语由法制大队修改。')
    await fzy.getByTestId('bulletin-publish').click()
    await fzy.locator('.el-message-box').getByRole('button', { name: '发布' }).click()
    await expectToast(fzy, '已发布')
    const month = Number(period.slice(5))
    assert.equal((await fzy.getByTestId('bulletin-issue').innerText()).trim(), `· ${period.slice(0, 4)}年第${month}期`)
    assert.equal(await textarea(fzy, 'narrative-intro').isDisabled(), true)
    await h.screenshot(fzy, '62-bulletin-published')

    const [download] = await Promise.all([fzy.waitForEvent('download'), fzy.getByTestId('bulletin-docx').click()])
    assert.match(download.suggestedFilename(), /执法质量通报.*第\d+期\.docx$/)
    const chunks = []
    for await (const c of await download.createReadStream()) chunks.push(c)
    const bytes = Buffer.concat(chunks)
    assert.equal(bytes.subarray(0, 2).toString(), 'PK')

    const [print] = await Promise.all([fzy.context().waitForEvent('page'), fzy.getByTestId('bulletin-print').click()])
    await print.waitForLoadState()
    const body = await print.locator('body').innerText()
    assert.match(body, new RegExp(`${period.slice(0, 4)}年第${month}期`))
    assert.match(body, /端到端测试：本月导语由法制大队修改。/)
    await h.screenshot(print, '63-bulletin-print')
  })
})
