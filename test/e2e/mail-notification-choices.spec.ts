import nodemailer from 'nodemailer'
import type { Page } from '@playwright/test'
import { addAccount, emptyMailbox, expect, mailboxes, row, test } from './support/mail-fixtures'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 150_000 })

/** A stand-in for the browser's notifications, granted, that records what is shown (as mail-notifications.spec.ts). */
async function recordNotifications(app: Page) {
  await app.evaluate(() => {
    const shown: { title: string; body: string }[] = []
    class FakeNotification {
      static permission = 'granted'
      static requestPermission = async () => 'granted'
      onclick: (() => void) | null = null
      constructor(title: string, options: { body?: string }) {
        shown.push({ title, body: options.body ?? '' })
      }
      close() {}
    }
    Object.assign(window, { Notification: FakeNotification, shownNotifications: shown })
  })
}

const shown = (app: Page) => app.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications.map(({ body }) => body).sort())

test('an account turned off in Settings and a folder turned off in its menu raise no notification; another account still does', async ({ app, stack, webMode }) => {
  const { alice, bob, carol } = stack.users
  for (const user of [alice, bob, carol]) await emptyMailbox(stack, user)
  await recordNotifications(app)
  await addAccount(webMode, stack, 'alice')
  await addAccount(webMode, stack, 'bob')
  await addAccount(webMode, stack, 'carol')

  // Bob's account: Settings → Mail reading
  await app.getByRole('link', { name: 'Settings' }).click()
  const settings = app.getByRole('region', { name: 'Mail reading' })
  await settings.getByRole('checkbox', { name: 'Notify about new mail in Bob' }).uncheck()
  await expect(settings.getByRole('checkbox', { name: 'Notify about new mail in Alice' })).toBeChecked()

  // Carol's Inbox: its menu in the sidebar, opened from the keyboard
  await app.getByRole('link', { name: 'Mail' }).click()
  const carolInbox = mailboxes(app).getByRole('region', { name: 'Carol' }).getByRole('button', { name: /^Inbox/ })
  await expect(carolInbox).toBeVisible({ timeout: 30_000 })
  await carolInbox.focus()
  await app.keyboard.press('Shift+F10')
  await app.getByRole('menuitemcheckbox', { name: 'Notify about new mail' }).click()
  await expect(carolInbox).toHaveAccessibleName(/notifications off$/)

  // the inboxes are synced (the first sync's mail is never news) before mail arrives
  await expect(mailboxes(app).getByRole('region', { name: 'Bob' }).getByRole('button', { name: /^Inbox/ })).toBeVisible({ timeout: 30_000 })
  await expect(mailboxes(app).getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Inbox/ })).toBeVisible({ timeout: 30_000 })
  await app.waitForTimeout(3_000)

  const transport = nodemailer.createTransport({ host: stack.submission.host, port: stack.submission.tlsPort, secure: true, tls: { ca: stack.caCert }, auth: { user: bob.email, pass: bob.password } })
  for (const [user, subject] of [
    [carol, 'For Carol, quietly'],
    [bob, 'For Bob, quietly'],
    [alice, 'For Alice, loudly'],
  ] as const) {
    await transport.sendMail({ from: `Hal Sender <${bob.email}>`, to: user.email, subject, text: 'Hello.' })
  }
  transport.close()

  // every message has arrived in the unified inbox; only Alice's was announced
  for (const subject of ['For Carol, quietly', 'For Bob, quietly', 'For Alice, loudly']) await expect(row(app, subject)).toBeVisible({ timeout: 45_000 })
  await expect.poll(() => shown(app), { timeout: 20_000 }).toEqual(['For Alice, loudly'])
  expect(await shown(app)).toEqual(['For Alice, loudly'])

  // the choices are kept
  await app.reload()
  await expect(mailboxes(app).getByRole('region', { name: 'Carol' }).getByRole('button', { name: /^Inbox/ })).toHaveAccessibleName(/notifications off$/, { timeout: 30_000 })
  await app.getByRole('link', { name: 'Settings' }).click()
  await expect(app.getByRole('region', { name: 'Mail reading' }).getByRole('checkbox', { name: 'Notify about new mail in Bob' })).not.toBeChecked()
})
