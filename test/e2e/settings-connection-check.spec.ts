import type { Locator, Page } from '@playwright/test'
import { addDavAccount } from './support/carddav-peer'
import { addAccount } from './support/mail-fixtures'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test as base } from './support/servers-fixture'
import { startWebMode } from './web-mode'

/**
 * Web mode that does NOT trust the stack's test CA: every TLS server then presents a certificate
 * nothing vouches for, as a company's own server does, and each settings form must offer to trust it.
 */
const test = base.extend({
  webMode: async ({ stack }, use) => {
    void stack
    const web = await startWebMode()
    await use(web)
    await web.stop()
  },
})

async function trust(app: Page, form: Locator, protocol: string, hostPort: string) {
  const prompt = form.getByRole('region', { name: `${protocol} server certificate` })
  await expect(prompt).toContainText(`The ${protocol} server’s certificate is not trusted`)
  await prompt.getByRole('button', { name: `Trust this certificate for ${hostPort}` }).click()
  await expect(prompt).toBeHidden({ timeout: 30_000 })
}

test('a mail account on a server with an unknown certificate: test, trust each server’s certificate, save', async ({ app, stack }) => {
  const alice = stack.users.alice
  await app.getByRole('link', { name: 'Settings' }).click()
  await app.getByRole('button', { name: /^Add account$/ }).first().click()
  const dialog = app.getByRole('dialog', { name: 'Add an account' })
  await dialog.getByLabel('Email address').fill(alice.email)
  await dialog.getByLabel('Password').fill(alice.password)
  await dialog.getByLabel('Account name').fill('Alice')
  const imap = dialog.getByRole('group', { name: 'Incoming (IMAP)' })
  await imap.getByLabel('Server').fill(stack.imap.host)
  await imap.getByLabel('Port').fill(String(stack.imap.tlsPort))
  const smtp = dialog.getByRole('group', { name: 'Outgoing (SMTP)' })
  await smtp.getByLabel('Server').fill(stack.submission.host)
  await smtp.getByLabel('Port').fill(String(stack.submission.tlsPort))
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  const results = dialog.getByRole('list', { name: 'Connection test results' })
  await expect(results.getByRole('region')).toHaveCount(2, { timeout: 30_000 })
  await expect(dialog.getByRole('button', { name: 'Save anyway' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Test connection' }).scrollIntoViewIfNeeded()
  await screenshotBothThemes(app, 'settings-account-untrusted')

  await trust(app, dialog, 'Incoming (IMAP)', `${stack.imap.host}:${stack.imap.tlsPort}`)
  await trust(app, dialog, 'Outgoing (SMTP)', `${stack.submission.host}:${stack.submission.tlsPort}`)
  await expect(results).toContainText('Incoming (IMAP): connected and signed in')
  await expect(results).toContainText('Outgoing (SMTP): connected and signed in')
  await expect(dialog.getByRole('button', { name: 'Save anyway' })).toBeHidden()
  await dialog.getByRole('button', { name: 'Test connection' }).scrollIntoViewIfNeeded()
  await screenshotBothThemes(app, 'settings-account-trusted')
  await dialog.getByRole('button', { name: 'Add account', exact: true }).click()
  await expect(dialog).toBeHidden({ timeout: 30_000 })
  await expect(app.getByRole('region', { name: 'Accounts' })).toContainText(alice.email)
})

test('a calendar server: a wrong password offers "Save anyway", the right one passes and saves; removing asks first', async ({ app, webMode, stack }) => {
  // a mail account too, so both lists of Settings show an entry in the picture
  await addAccount(webMode, stack, 'bob')
  await app.getByRole('link', { name: 'Settings' }).click()
  await app.getByRole('region', { name: 'Calendars & contacts' }).getByRole('button', { name: 'Add a calendar server' }).click()
  const dialog = app.getByRole('dialog', { name: 'Add a calendar & contacts server' })
  await dialog.getByLabel('Server').fill(stack.radicaleUrl)
  await dialog.getByLabel('User name').fill('bob')
  await dialog.getByLabel('Name', { exact: true }).fill('Bob at Radicale')
  await dialog.getByLabel('Password', { exact: true }).fill('wrong password')
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  const results = dialog.getByRole('list', { name: 'Connection test results' })
  await expect(results).toContainText('refused the user name or password')
  await expect(dialog.getByRole('button', { name: 'Save anyway' })).toBeVisible()
  await dialog.getByRole('button', { name: 'Test connection' }).scrollIntoViewIfNeeded()
  await screenshotBothThemes(app, 'settings-dav-refused')
  await dialog.getByLabel('Password', { exact: true }).fill(stack.users.bob.password)
  await dialog.getByRole('button', { name: 'Add server' }).click()
  await expect(dialog).toBeHidden({ timeout: 30_000 })
  const section = app.getByRole('region', { name: 'Calendars & contacts' })
  await expect(section.getByRole('list', { name: 'Calendar and contacts servers' })).toContainText('Bob at Radicale')
  await screenshotBothThemes(app, 'settings-server-lists')
  await app.getByRole('heading', { name: 'Settings', level: 1 }).scrollIntoViewIfNeeded()
  await expect(app.getByRole('list', { name: 'Accounts' })).toContainText('bob@example.test')
  await screenshotBothThemes(app, 'settings-account-list')

  // the list's remove step asks first, then the server is gone and the empty state is back
  await section.getByRole('button', { name: 'Remove Bob at Radicale' }).click()
  const confirm = app.getByRole('alertdialog', { name: 'Remove Bob at Radicale?' })
  await expect(confirm).toContainText('Nothing is deleted on the server.')
  await screenshotBothThemes(app, 'settings-remove-server')
  await confirm.getByRole('button', { name: 'Remove server' }).click()
  await expect(section.getByRole('button', { name: 'Add a calendar server' })).toBeVisible()
})

test('a directory with StartTLS and an unknown certificate: test, trust it, save', async ({ app, webMode, stack }) => {
  // the contacts view (and its Directories button) shows once a contacts server is set up
  await addDavAccount(webMode, stack, 'carol', 'cyrus', 'Carol on Cyrus')
  await app.getByRole('link', { name: 'Contacts' }).click()
  await app.getByRole('button', { name: /^Directories/ }).click()
  await app.getByRole('dialog', { name: 'Directories' }).getByRole('button', { name: 'Add a directory' }).click()
  const form = app.getByRole('dialog', { name: 'Add a directory' })
  await form.getByLabel('Name', { exact: true }).fill('Example Org')
  await form.getByLabel('Server URL').fill(stack.ldapUrl)
  await form.getByLabel('Base DN').fill(stack.ldapBaseDn)
  await form.getByRole('button', { name: 'Test connection' }).click()
  await expect(form.getByRole('region', { name: 'directory server certificate' })).toBeVisible({ timeout: 30_000 })
  await expect(form.getByRole('button', { name: 'Save anyway' })).toBeVisible()
  await form.getByRole('button', { name: 'Test connection' }).scrollIntoViewIfNeeded()
  await screenshotBothThemes(app, 'contacts-directory-untrusted')
  const { hostname, port } = new URL(stack.ldapUrl)
  await trust(app, form, 'directory', `${hostname}:${port}`)
  await expect(form.getByRole('status').filter({ hasText: 'Connected and searched the directory.' })).toBeVisible()
  await form.getByRole('button', { name: 'Add directory' }).click()
  await expect(app.getByRole('dialog', { name: 'Directories' }).getByRole('list', { name: 'Directories' })).toContainText('Example Org')
})
