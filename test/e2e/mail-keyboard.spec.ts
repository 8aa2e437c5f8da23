import type { Page } from '@playwright/test'
import { axeScript, seriousViolations } from './support/axe'
import { addAccount, appendTo, compose, emptyMailbox, expect, messageList, row, serverFolder, test } from './support/mail-fixtures'

test.use({ trace: 'off' })
test.describe.configure({ timeout: 120_000 })

const subjects = ['First of four', 'Second of four', 'Third of four', 'Fourth of four']

test.beforeEach(async ({ stack }) => {
  await emptyMailbox(stack, stack.users.alice)
  const day = 86_400_000
  // newest first in the list: "First of four" on top
  await appendTo(
    stack,
    stack.users.alice,
    'INBOX',
    await Promise.all(subjects.map((subject, i) => compose({ from: 'Keys <keys@example.test>', to: stack.users.alice.email, subject, date: new Date(Date.now() - (i + 1) * day), text: `Body of ${subject}.` }))).then((list) => list.reverse()),
  )
})

const activeRow = (app: Page) => messageList(app).getByRole('option', { selected: true })

test('the mail flow works by keyboard alone, with the focus always visible', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Fourth of four/)).toBeVisible({ timeout: 30_000 })

  // Tab reaches the list; j/k move through it and the reader follows
  await messageList(app).focus()
  await app.keyboard.press('j')
  await expect(activeRow(app)).toHaveAccessibleName(/Second of four/)
  await app.keyboard.press('k')
  await expect(activeRow(app)).toHaveAccessibleName(/First of four/)
  await expect(app.getByRole('region', { name: 'Reader' }).getByRole('heading', { name: 'First of four' })).toBeVisible()
  const ring = await app.evaluate(() => getComputedStyle(document.querySelector('[role="option"][aria-selected="true"]')!).boxShadow)
  expect(ring).not.toBe('none')

  // s flags, Shift+U toggles read, e archives and moves to the next one
  await app.keyboard.press('s')
  await expect(row(app, /First of four/)).toHaveAccessibleName(/flagged/)
  await app.keyboard.press('Shift+U')
  await expect(row(app, /First of four/)).not.toHaveAccessibleName(/^Unread/)
  await app.keyboard.press('Shift+U')
  await expect(row(app, /First of four/)).toHaveAccessibleName(/^Unread/)
  await app.keyboard.press('e')
  await expect(row(app, /First of four/)).toBeHidden()
  await expect(activeRow(app)).toHaveAccessibleName(/Second of four/)
  await expect.poll(async () => (await serverFolder(stack, alice, 'Archive')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['First of four'])

  // Ctrl+Z brings it back, also on the server
  await app.keyboard.press('Control+z')
  await expect(row(app, /First of four/)).toBeVisible({ timeout: 30_000 })
  await expect.poll(async () => (await serverFolder(stack, alice, 'Archive')).length, { timeout: 30_000 }).toBe(0)

  // # deletes the active message
  await row(app, /Second of four/).click()
  await app.keyboard.press('#')
  await expect(row(app, /Second of four/)).toBeHidden()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Trash')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['Second of four'])

  // o moves into the reader, u back to the list
  await app.keyboard.press('o')
  await expect(app.getByRole('region', { name: 'Reader' })).toBeFocused()
  await app.keyboard.press('u')
  await expect(messageList(app)).toBeFocused()

  // g i goes to All Inboxes from anywhere
  await app.getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Trash/ }).click()
  await expect(app.getByRole('heading', { name: 'Trash', level: 1 })).toBeVisible()
  await app.keyboard.press('g')
  await app.keyboard.press('i')
  await expect(app.getByRole('heading', { name: 'All Inboxes', level: 1 })).toBeVisible()

  // ? lists the shortcuts in a dialog that Escape closes
  await app.keyboard.press('?')
  const help = app.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  await expect(help).toContainText('Archive')
  await app.keyboard.press('Escape')
  await expect(help).toBeHidden()
})

test('axe finds no serious or critical violation on the mail screens', async ({ app, stack, webMode }) => {
  const script = axeScript()
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Fourth of four/)).toBeVisible({ timeout: 30_000 })
  expect(await seriousViolations(app, script), 'list with nothing selected').toEqual([])

  await row(app, /Third of four/).click()
  await expect(app.getByRole('region', { name: 'Reader' }).getByRole('heading', { name: 'Third of four' })).toBeVisible()
  expect(await seriousViolations(app, script), 'list and reader').toEqual([])

  await app.keyboard.press('?')
  await expect(app.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
  expect(await seriousViolations(app, script), 'shortcuts dialog').toEqual([])
  await app.keyboard.press('Escape')

  await app.emulateMedia({ colorScheme: 'dark' })
  expect(await seriousViolations(app, script), 'dark theme').toEqual([])
})
