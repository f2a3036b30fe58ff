// Element Plus form fields by data-testid, and signing in as a demo account: what the page tests
// share. (web.e2e.test.mjs signs in with other passwords and checks failures: it keeps its own.)
export const DEMO_PASSWORD = 'Demo@2026'

// The <input> of an el-input / el-select carrying data-testid (on the input or on its wrapper).
export function input(page, testid) {
  return page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()
}

export function textarea(page, testid) {
  return page.locator(`textarea[data-testid="${testid}"], [data-testid="${testid}"] textarea`).first()
}

// Signs in as a demo account and waits for the app's menu.
export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/login')
  await input(page, 'login-username').fill(username)
  await input(page, 'login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  await page.getByTestId('side-menu').waitFor()
}
