import type { Page } from '@playwright/test'
import { seriousViolations } from './support/axe'
import { screenshotBothThemes } from './support/screenshots'
import { addAccount, appendTo, compose, emptyMailbox, expect, messageList, row, serverFolder, test } from './support/mail-fixtures'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 150_000 })

const reader = (app: Page) => app.getByRole('region', { name: 'Reader' })
const mailReading = (app: Page) => app.getByRole('region', { name: 'Mail reading' })

async function openSettings(app: Page) {
  await app.getByRole('link', { name: 'Settings' }).click()
  await expect(mailReading(app)).toBeVisible()
}

const seen = async (stack: Parameters<typeof serverFolder>[0], subject: string) =>
  (await serverFolder(stack, stack.users.alice, 'INBOX')).find((m) => m.subject === subject)?.flags.includes('\\Seen')

test('the reading pane goes below the list or to its right, from Settings and the view menu, and stays so', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  await appendTo(stack, alice, 'INBOX', [await compose({ from: 'Fay Layout <fay@example.test>', to: alice.email, subject: 'Where does it go', text: 'Below or beside.' })])
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Where does it go/)).toBeVisible({ timeout: 30_000 })

  await openSettings(app)
  await mailReading(app).getByRole('radio', { name: 'Below the message list' }).check()
  await screenshotBothThemes(app, 'settings-mail-reading')
  expect(await seriousViolations(app), 'Settings').toEqual([])
  await app.getByRole('link', { name: 'Mail' }).click()
  await row(app, /Where does it go/).click()
  await expect(reader(app).getByRole('heading', { name: 'Where does it go' })).toBeVisible()
  const below = async () => {
    const list = (await messageList(app).boundingBox())!
    const pane = (await reader(app).boundingBox())!
    return pane.y >= list.y + 100 && pane.x <= list.x + 1
  }
  await expect.poll(below).toBe(true)
  await app.mouse.move(0, 0)
  await screenshotBothThemes(app, 'mail-reader-below')
  expect(await seriousViolations(app), 'reader below').toEqual([])

  // remembered across a reload
  await app.reload()
  await expect(row(app, /Where does it go/)).toBeVisible({ timeout: 30_000 })
  await expect.poll(below).toBe(true)

  // the view menu above the list puts it back on the right
  await app.getByRole('button', { name: 'View options' }).click()
  await app.getByRole('menuitemradio', { name: 'Right of the list' }).click()
  await row(app, /Where does it go/).click()
  await expect.poll(async () => (await reader(app).boundingBox())!.x > (await messageList(app).boundingBox())!.x + 200).toBe(true)
  await openSettings(app)
  await expect(mailReading(app).getByRole('radio', { name: 'Right of the message list' })).toBeChecked()
})

test('an open message is marked read immediately, after the chosen seconds, or never, as set in Settings', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  await appendTo(
    stack,
    alice,
    'INBOX',
    await Promise.all(['Read me never', 'Read me at once', 'Read me later'].map((subject) => compose({ from: 'Gus Reader <gus@example.test>', to: alice.email, subject, text: `${subject}.` }))),
  )
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Read me later/)).toBeVisible({ timeout: 30_000 })

  // never: the message stays unread well past the default delay, here and on the server
  await openSettings(app)
  await mailReading(app).getByRole('radio', { name: /^Never/ }).check()
  await app.getByRole('link', { name: 'Mail' }).click()
  await row(app, /Read me never/).click()
  await expect(reader(app)).toContainText('Read me never.')
  await app.waitForTimeout(4_000)
  await expect(row(app, /Read me never/)).toHaveAccessibleName(/^Unread,/)
  expect(await seen(stack, 'Read me never')).toBe(false)

  // immediately
  await openSettings(app)
  await mailReading(app).getByRole('radio', { name: 'As soon as they are opened' }).check()
  await app.getByRole('link', { name: 'Mail' }).click()
  await row(app, /Read me at once/).click()
  await expect(row(app, /Read me at once/)).not.toHaveAccessibleName(/^Unread,/)
  await expect.poll(() => seen(stack, 'Read me at once'), { timeout: 20_000 }).toBe(true)

  // after a number of seconds the user types
  await openSettings(app)
  await mailReading(app).getByRole('radio', { name: /^After they have been open for/ }).check()
  await mailReading(app).getByRole('spinbutton', { name: 'Seconds before a message is marked as read' }).fill('1')
  await mailReading(app).getByRole('spinbutton', { name: 'Seconds before a message is marked as read' }).press('Tab')
  await app.reload()
  await openSettings(app)
  await expect(mailReading(app).getByRole('spinbutton', { name: 'Seconds before a message is marked as read' })).toHaveValue('1')
  await app.getByRole('link', { name: 'Mail' }).click()
  await row(app, /Read me later/).click()
  await expect(row(app, /Read me later/)).not.toHaveAccessibleName(/^Unread,/, { timeout: 20_000 })
  await expect.poll(() => seen(stack, 'Read me later'), { timeout: 20_000 }).toBe(true)
})
