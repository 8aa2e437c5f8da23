import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import { restartDovecot } from '../servers/harness'
import {
  addAccount,
  addAccountThroughUi,
  appendTo,
  compose,
  emptyMailbox,
  expect,
  mailboxes,
  messageList,
  row,
  serverFolder,
  test,
} from './support/mail-fixtures'

// a trace snapshots every frame by running script in it, which the message sandbox refuses with a
// console error: these specs fail on any console error, so they run without traces
test.use({ trace: 'off' })
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ stack }) => {
  await emptyMailbox(stack, stack.users.alice)
  await emptyMailbox(stack, stack.users.bob)
})

test('two accounts added in Settings share the unified inbox; new mail arrives live; actions reach the server', async ({ app, stack }, testInfo) => {
  const { alice, bob } = stack.users
  await appendTo(stack, alice, 'INBOX', [await compose({ from: 'Carol <carol@example.test>', to: alice.email, subject: 'Welcome, Alice', text: 'Hello Alice, this is your first message.' })])
  await appendTo(stack, bob, 'INBOX', [await compose({ from: 'Carol <carol@example.test>', to: bob.email, subject: 'Welcome, Bob', text: 'Hello Bob.' })])

  await addAccountThroughUi(app, stack, 'alice')
  await addAccountThroughUi(app, stack, 'bob')
  await app.getByRole('link', { name: 'Mail' }).click()

  await expect(mailboxes(app).getByRole('button', { name: /^All Inboxes/ })).toHaveAttribute('aria-current', 'true')
  await expect(row(app, /Welcome, Alice/)).toBeVisible({ timeout: 30_000 })
  await expect(row(app, /Welcome, Bob/)).toBeVisible()
  // in a view across accounts each row names its account
  await expect(row(app, /Welcome, Alice/)).toHaveAccessibleName(/Alice$/)
  await expect(row(app, /Welcome, Bob/)).toHaveAccessibleName(/Bob$/)
  await expect(mailboxes(app).getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Inbox, 1 unread/ })).toBeVisible()

  // delivered over SMTP (submission, as Bob) while the page is open: IDLE brings it in, no reload
  const transport = nodemailer.createTransport({ host: stack.submission.host, port: stack.submission.tlsPort, secure: true, tls: { ca: stack.caCert }, auth: { user: bob.email, pass: bob.password } })
  await transport.sendMail({ from: bob.email, to: alice.email, subject: 'Fresh over SMTP', text: 'Sent while you were looking.' })
  transport.close()
  await expect(row(app, /Fresh over SMTP/)).toBeVisible({ timeout: 45_000 })
  await app.screenshot({ path: testInfo.outputPath('unified-inbox-light.png') })

  // reading marks read after the delay; flagging; both reach the server
  await row(app, /Welcome, Alice/).click()
  const reader = app.getByRole('region', { name: 'Reader' })
  await expect(reader.getByRole('heading', { name: 'Welcome, Alice' })).toBeVisible()
  await expect(reader).toContainText('this is your first message')
  await reader.getByRole('button', { name: 'Flag', exact: true }).click()
  await expect(row(app, /Welcome, Alice/)).toHaveAccessibleName(/flagged/)
  await expect.poll(async () => (await serverFolder(stack, alice, 'INBOX')).find((m) => m.subject === 'Welcome, Alice')?.flags, { timeout: 20_000 }).toEqual(['\\Flagged', '\\Seen'])

  // move through the menu
  await row(app, /Fresh over SMTP/).click()
  await reader.getByRole('button', { name: 'Move to folder' }).click()
  await app.getByRole('menuitem', { name: 'Archive' }).click()
  await expect(row(app, /Fresh over SMTP/)).toBeHidden()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Archive')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['Fresh over SMTP'])

  // delete goes to the account's own Trash
  await row(app, /Welcome, Bob/).click()
  await reader.getByRole('button', { name: 'Delete' }).click()
  await expect(row(app, /Welcome, Bob/)).toBeHidden()
  await expect(app.getByRole('status').filter({ hasText: 'Moved 1 message to Trash' })).toBeVisible()
  await expect.poll(async () => (await serverFolder(stack, bob, 'Trash')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['Welcome, Bob'])
  expect((await serverFolder(stack, bob, 'INBOX')).map((m) => m.subject)).toEqual([])
})

test('with the IMAP server stopped, actions apply at once and reach the server once it is back', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await appendTo(stack, alice, 'INBOX', [
    await compose({ from: 'Dan <dan@example.test>', to: alice.email, subject: 'Archive me offline', text: 'One.' }),
    await compose({ from: 'Dan <dan@example.test>', to: alice.email, subject: 'Flag me offline', text: 'Two.' }),
  ])
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Flag me offline/)).toBeVisible({ timeout: 30_000 })

  const dovecotPid = Number(readFileSync(join(stack.dir, 'pids', 'dovecot.pid'), 'utf8'))
  process.kill(dovecotPid, 'SIGTERM')
  try {
    await expect(app.getByRole('alert').filter({ hasText: /Alice/ })).toBeVisible({ timeout: 30_000 })

    await row(app, /Flag me offline/).click()
    await app.keyboard.press('s')
    await expect(row(app, /Flag me offline/)).toHaveAccessibleName(/flagged/)
    await row(app, /Archive me offline/).click()
    await app.keyboard.press('e')
    await expect(row(app, /Archive me offline/)).toBeHidden()
    await expect(messageList(app).getByRole('option')).toHaveCount(1)
  } finally {
    await restartDovecot(stack.dir)
  }
  await expect.poll(async () => (await serverFolder(stack, alice, 'Archive')).map((m) => m.subject), { timeout: 60_000 }).toEqual(['Archive me offline'])
  await expect.poll(async () => (await serverFolder(stack, alice, 'INBOX')).map((m) => [m.subject, m.flags.includes('\\Flagged')]), { timeout: 60_000 }).toEqual([['Flag me offline', true]])
})
