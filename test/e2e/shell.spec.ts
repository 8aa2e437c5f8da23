import { expect, test } from './fixtures'

test('the shell renders and shows the version fetched over the contract', async ({ app }, testInfo) => {
  const sections = app.getByRole('navigation', { name: 'Sections' })
  for (const name of ['Mail', 'Calendar', 'Contacts']) await expect(sections.getByRole('link', { name })).toBeVisible()
  await expect(app.getByRole('link', { name: 'Settings' })).toBeVisible()

  const status = app.getByRole('contentinfo', { name: 'Status' })
  await expect(status.getByRole('status')).toHaveText(/Connected/)
  const { version } = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8')) as { version: string }
  await expect(status.getByRole('button', { name: 'About Quire' })).toContainText(`Quire ${version}`)
  await expect(status).toContainText('web mode')

  await expect(app.getByRole('region', { name: 'Add an account to get started' })).toBeVisible()
  await app.screenshot({ path: testInfo.outputPath('shell-light.png') })
})

test('each section has an empty state and the URL remembers it', async ({ app }) => {
  for (const name of ['Calendar', 'Contacts', 'Mail']) {
    await app.getByRole('link', { name }).click()
    await expect(app.getByRole('link', { name })).toHaveAttribute('aria-current', 'page')
    await expect(app.getByRole('heading', { name: 'Add an account to get started' })).toBeVisible()
  }
  await app.getByRole('link', { name: 'Settings' }).click()
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await app.reload()
  await expect(app.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
})

test('the About dialog is an accessible modal that closes with Escape', async ({ app }) => {
  await app.getByRole('button', { name: 'About Quire' }).click()
  const dialog = app.getByRole('dialog', { name: 'About Quire' })
  await expect(dialog).toBeVisible()
  await expect(dialog).toContainText('Connected')
  await app.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('dark theme follows the operating system', async ({ app }, testInfo) => {
  const background = () => app.evaluate(() => getComputedStyle(document.body).backgroundColor)
  const light = await background()
  await app.emulateMedia({ colorScheme: 'dark' })
  const dark = await background()
  expect(dark).not.toBe(light)
  await app.screenshot({ path: testInfo.outputPath('shell-dark.png') })
})

test('the same address without the token is refused', async ({ webMode, page }) => {
  const origin = new URL(webMode.url).origin
  const response = await page.goto(`${origin}/`)
  expect(response?.status()).toBe(401)
  await expect(page.locator('body')).toContainText('needs the access token')
})
