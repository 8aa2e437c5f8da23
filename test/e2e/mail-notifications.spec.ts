import nodemailer from 'nodemailer'
import { addAccount, appendTo, compose, emptyMailbox, expect, row, test } from './support/mail-fixtures'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 120_000 })

test('new mail in a synced inbox raises a notification that opens the message', async ({ app, stack, webMode }) => {
  const { alice, bob } = stack.users
  await emptyMailbox(stack, alice)
  await appendTo(stack, alice, 'INBOX', [await compose({ from: 'Old <old@example.test>', to: alice.email, subject: 'Already here', text: 'Not announced.' })])
  // a stand-in for the browser's notifications, granted, that records what is shown
  await app.evaluate(() => {
    const shown: { title: string; body: string; click(): void }[] = []
    class FakeNotification {
      static permission = 'granted'
      static requestPermission = async () => 'granted'
      onclick: (() => void) | null = null
      constructor(
        readonly title: string,
        options: { body?: string },
      ) {
        shown.push({ title, body: options.body ?? '', click: () => this.onclick?.() })
      }
      close() {}
    }
    Object.assign(window, { Notification: FakeNotification, shownNotifications: shown })
  })
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Already here/)).toBeVisible({ timeout: 30_000 })

  const transport = nodemailer.createTransport({ host: stack.submission.host, port: stack.submission.tlsPort, secure: true, tls: { ca: stack.caCert }, auth: { user: bob.email, pass: bob.password } })
  await transport.sendMail({ from: `Bob Builder <${bob.email}>`, to: alice.email, subject: 'Ping from Bob', text: 'Are you there?' })
  transport.close()

  const shown = () => app.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications.map(({ title, body }) => ({ title, body })))
  await expect.poll(shown, { timeout: 45_000 }).toEqual([{ title: 'Bob Builder', body: 'Ping from Bob' }])
  await app.getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Trash/ }).click()
  await app.evaluate(() => (window as unknown as { shownNotifications: { click(): void }[] }).shownNotifications[0]!.click())
  await expect(app.getByRole('heading', { name: 'All Inboxes', level: 1 })).toBeVisible()
  await expect(app.getByRole('region', { name: 'Reader' }).getByRole('heading', { name: 'Ping from Bob' })).toBeVisible()
  expect(await app.title()).toMatch(/^\(\d+\) Quire$/)
})
