import { randomUUID } from 'node:crypto'
import type { Page } from '@playwright/test'
import MailComposer from 'nodemailer/lib/mail-composer'
import { makeSmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp } from '../fixtures/smime/smime-app'
import { callMain } from './support/main-rpc.mjs'
import { accountSettings, addAccount, appendTo, compose, emptyMailbox, expect, messageList, row, test } from './support/mail-fixtures'
import { screenshotBothThemes } from './support/screenshots'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 150_000 })

test.beforeEach(async ({ stack }) => {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  await appendTo(stack, alice, 'INBOX', [await compose({ from: 'Ada Lovelace <ada@example.test>', to: alice.email, subject: 'Invoice for March', text: 'Please pay by Friday.' })])
  await appendTo(stack, alice, 'Archive', [await compose({ from: 'Ada Lovelace <ada@example.test>', to: alice.email, subject: 'Old invoice', text: 'Paid in full, thanks.' })], ['\\Seen'])
})

const serverResults = (app: Page) => app.getByRole('region', { name: 'Results from the server' })

async function search(app: Page, text: string): Promise<void> {
  const field = app.getByRole('searchbox', { name: 'Search mail' })
  await field.fill(text)
  await expect(app.getByRole('heading', { level: 1 })).toHaveText(`Results for “${text}”`)
}

test('search asks the server about a folder not kept offline, marks what came from it, and opens it on demand', async ({ app, stack, webMode }) => {
  await addAccount(webMode, stack, 'alice', { prefetchDays: 0 })
  await expect(row(app, /Invoice for March/)).toBeVisible({ timeout: 30_000 })

  // Archive leaves the cache: its invoice can only be found on the server
  await app.getByRole('link', { name: 'Settings' }).click()
  // Dovecot has NOTIFY (RFC 5465): the account's changes are pushed, not polled, and the settings say so
  await expect(app.getByRole('list', { name: 'Accounts' })).toContainText('New mail: push (NOTIFY)', { timeout: 30_000 })
  await app.getByRole('button', { name: 'Folders of Alice' }).click()
  const dialog = app.getByRole('dialog', { name: 'Folders of Alice' })
  await expect(dialog).toContainText('New mail: push (NOTIFY)')
  await screenshotBothThemes(app, 'folders-watch-mode')
  await dialog.getByLabel('Keep Archive offline').uncheck()
  await expect(dialog.getByRole('row', { name: /^Archive/ })).toContainText('not kept')
  await app.keyboard.press('Escape')
  await app.getByRole('link', { name: 'Mail' }).click()

  await search(app, 'invoice')
  await expect(messageList(app).getByRole('option')).toHaveCount(1, { timeout: 20_000 })
  await expect(row(app, /Invoice for March/)).toBeVisible()
  const results = serverResults(app)
  await expect(results.getByRole('heading', { name: '1 more result from the server' })).toBeVisible({ timeout: 30_000 })
  const hit = results.getByRole('button', { name: /Old invoice, in Archive, from the server/ })
  await expect(hit).toContainText('from server')
  await screenshotBothThemes(app, 'search-server-results')

  // opening it fetches its body from the server
  await hit.click()
  const reader = app.getByRole('dialog', { name: 'Old invoice' })
  await expect(reader).toContainText('from server')
  await expect(reader).toContainText('Paid in full', { timeout: 30_000 })
  await screenshotBothThemes(app, 'search-server-message')
  await app.keyboard.press('Escape')
  await expect(reader).toBeHidden()

  // the server unreachable: cached results only, and a line that says so
  const [account] = await callMain(webMode.url, 'accounts.list', {})
  const settings = accountSettings(stack, 'alice')
  await callMain(webMode.url, 'accounts.update', { id: account!.id, settings: { ...settings, prefetchDays: 0, imap: { ...settings.imap, port: 1 } } })
  await search(app, 'invoic')
  await expect(row(app, /Invoice for March/)).toBeVisible({ timeout: 20_000 })
  await expect(serverResults(app)).toContainText('The server could not be asked, so only messages kept on this computer were searched.', { timeout: 60_000 })
  await expect(serverResults(app).getByRole('button')).toHaveCount(0)
  await screenshotBothThemes(app, 'search-server-offline')
})

test('a search says how many encrypted messages it could not look into', async ({ app, stack, webMode }) => {
  const { bob } = stack.users
  await emptyMailbox(stack, bob)
  // encrypted to bob, whose certificate Quire does not have: its body is never kept, so never searched
  const fx = makeSmimeFixtures()
  const sender = await openSmimeApp(fx, fx.alice, [fx.bob])
  try {
    const raw = await new MailComposer({ from: fx.alice.email, to: fx.bob.email, subject: 'Sealed', text: 'The budget figures.', messageId: `<${randomUUID()}@example.test>`, newline: 'windows' }).compile().build()
    const [sealed] = await sender.service.protectMessages([raw], { accountId: sender.accountId, recipients: [fx.bob.email], sign: true, encrypt: true })
    await appendTo(stack, bob, 'INBOX', [sealed!, await compose({ from: 'Ada Lovelace <ada@example.test>', to: bob.email, subject: 'Budget plan', text: 'Draft.' })])
  } finally {
    sender.close()
    fx.cleanup()
  }
  await addAccount(webMode, stack, 'bob')
  await expect(row(app, /Sealed/)).toBeVisible({ timeout: 30_000 })

  await search(app, 'budget')
  await expect(row(app, /Budget plan/)).toBeVisible({ timeout: 20_000 })
  const note = app.getByRole('status').filter({ hasText: 'encrypted' })
  await expect(note).toHaveText('1 encrypted message was not searched: its body is not kept decrypted on this computer. Settings → Security', { timeout: 20_000 })
  await screenshotBothThemes(app, 'search-encrypted-skipped')
  await note.getByRole('button', { name: 'Settings → Security' }).click()
  await expect(app.getByRole('heading', { name: /^Security/ })).toBeVisible()
})
