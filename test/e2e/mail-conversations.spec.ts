import type { Page } from '@playwright/test'
import { seriousViolations } from './support/axe'
import { screenshotBothThemes } from './support/screenshots'
import { addAccount, appendTo, compose, emptyMailbox, expect, imapPeer, messageList, row, serverFolder, test } from './support/mail-fixtures'

// the message sandbox refuses a trace's snapshot script with a console error, which fails the page
test.use({ trace: 'off' })
test.describe.configure({ timeout: 150_000 })

const HOUR = 3_600_000

/** A conversation of three (Bob asks, Carol answers, Bob again) and an unrelated message, all in INBOX. */
async function seedConversation(stack: Parameters<typeof emptyMailbox>[0]): Promise<void> {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  const start = Date.now() - 5 * HOUR
  const first = '<lunch-1@example.test>'
  const second = '<lunch-2@example.test>'
  // the first two were read before: the reader folds them; the unread newest one is open
  await appendTo(
    stack,
    alice,
    'INBOX',
    [
      await compose({ from: 'Bob Builder <bob@example.test>', to: alice.email, subject: 'Lunch plans', messageId: first, date: new Date(start), text: 'Lunch on Friday?' }),
      await compose({ from: 'Carol Chef <carol@example.test>', to: alice.email, subject: 'Re: Lunch plans', messageId: second, inReplyTo: first, references: [first], date: new Date(start + HOUR), text: 'Friday works for me.' }),
    ],
    ['\\Seen'],
  )
  await appendTo(stack, alice, 'INBOX', [
    await compose({ from: 'Dana Ledger <dana@example.test>', to: alice.email, subject: 'Quarterly report', date: new Date(start + 2 * HOUR), text: 'Numbers attached soon.' }),
    await compose({ from: 'Bob Builder <bob@example.test>', to: alice.email, subject: 'Re: Lunch plans', messageId: '<lunch-3@example.test>', inReplyTo: second, references: [first, second], date: new Date(start + 3 * HOUR), text: 'Great, the usual place at noon.' }),
  ])
}

const viewMenu = async (app: Page) => {
  await app.getByRole('button', { name: 'View options' }).click()
  return app.getByRole('menu')
}

test('conversation view: a thread is one row, opens as a conversation, and its actions apply to the whole thread', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await seedConversation(stack)
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Quarterly report/)).toBeVisible({ timeout: 30_000 })
  await expect(row(app, /Lunch plans/)).toHaveCount(3)

  // the view menu groups by conversation: one row, newest first, with its people and count
  const menu = await viewMenu(app)
  await expect(menu.getByRole('menuitemradio', { name: 'Right of the list' })).toHaveAttribute('aria-checked', 'true')
  await screenshotBothThemes(app, 'mail-view-menu')
  await menu.getByRole('menuitemcheckbox', { name: 'Group by conversation' }).click()
  await expect(row(app, /Lunch plans/)).toHaveCount(1)
  const thread = row(app, /Lunch plans/)
  await expect(thread).toHaveAccessibleName(/^Unread,/)
  await expect(thread).toHaveAccessibleName(/Bob Builder, Carol Chef/)
  await expect(thread).toHaveAccessibleName(/3 messages in conversation/)
  await expect(messageList(app).getByRole('option')).toHaveCount(2)
  // newest conversation first: the thread's last message is newer than the report
  await expect(messageList(app).getByRole('option').first()).toHaveAccessibleName(/Lunch plans/)

  // opening it shows the whole conversation: the newest message open, the older ones folded
  await thread.click()
  const reader = app.getByRole('region', { name: 'Reader' })
  await expect(reader.getByRole('heading', { name: 'Lunch plans' })).toBeVisible()
  await expect(reader.getByText('3 messages')).toBeVisible()
  await expect(reader.getByRole('article')).toHaveCount(3)
  await expect(reader.getByRole('article').last()).toContainText('the usual place at noon', { timeout: 20_000 })
  const folded = reader.getByRole('article').first().locator('button.collapsed')
  await expect(folded).toHaveAttribute('aria-expanded', 'false')
  await expect(folded).toContainText('Lunch on Friday?')
  await folded.click()
  await expect(reader.getByRole('article').first().getByRole('button', { name: 'Actions for the message from Bob Builder' })).toBeVisible()
  await app.mouse.move(0, 0)
  await screenshotBothThemes(app, 'mail-conversation')
  expect(await seriousViolations(app), 'conversation view').toEqual([])

  // one message of the conversation: flag only Carol's (expanded first, as it was read before)
  await reader.getByRole('article').nth(1).locator('button.collapsed').click()
  await reader.getByRole('button', { name: 'Actions for the message from Carol Chef' }).click()
  await app.getByRole('menuitem', { name: 'Flag this message' }).click()
  await expect
    .poll(async () => (await serverFolder(stack, alice, 'INBOX')).filter((m) => m.flags.includes('\\Flagged')).map((m) => m.subject), { timeout: 20_000 })
    .toEqual(['Re: Lunch plans'])

  // the toolbar acts on the whole thread: all three are archived on the server, the report stays
  await reader.getByRole('button', { name: 'Archive' }).click()
  await expect(row(app, /Lunch plans/)).toBeHidden()
  await expect(app.getByRole('status').filter({ hasText: 'Archived 3 messages' })).toBeVisible()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Archive')).map((m) => m.subject).sort(), { timeout: 20_000 }).toEqual(['Lunch plans', 'Re: Lunch plans', 'Re: Lunch plans'])
  expect((await serverFolder(stack, alice, 'INBOX')).map((m) => m.subject)).toEqual(['Quarterly report'])

  // the choice is remembered
  await app.reload()
  await expect(row(app, /Quarterly report/)).toBeVisible({ timeout: 30_000 })
  await expect(app.getByText('1 conversation', { exact: true })).toBeVisible()
  await expect((await viewMenu(app)).getByRole('menuitemcheckbox', { name: 'Group by conversation' })).toHaveAttribute('aria-checked', 'true')
  await app.keyboard.press('Escape')
})

test('list rows have a context menu by mouse and keyboard; rows drag onto a sidebar folder; v moves by keyboard', async ({ app, stack, webMode }) => {
  const { alice } = stack.users
  await emptyMailbox(stack, alice)
  const peer = await imapPeer(stack, alice)
  try {
    if (!(await peer.list()).some((folder) => folder.path === 'Projects')) await peer.mailboxCreate('Projects')
  } finally {
    await peer.logout()
  }
  const day = 86_400_000
  await appendTo(
    stack,
    alice,
    'INBOX',
    await Promise.all(
      ['Keep me', 'Drag me one', 'Drag me two', 'Junk me'].map((subject, i) => compose({ from: 'Eve Example <eve@example.test>', to: alice.email, subject, date: new Date(Date.now() - (i + 1) * day), text: `Body of ${subject}.` })),
    ).then((list) => list.reverse()),
  )
  await addAccount(webMode, stack, 'alice')
  await expect(row(app, /Junk me/)).toBeVisible({ timeout: 30_000 })
  await expect(app.getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Projects/ })).toBeVisible({ timeout: 30_000 })

  // right-click: the row is selected and the menu offers the actions
  await row(app, /Keep me/).click({ button: 'right' })
  const menu = app.getByRole('menu', { name: 'Message actions' })
  await expect(menu).toBeVisible()
  await expect(row(app, /Keep me/)).toHaveAttribute('aria-selected', 'true')
  for (const name of ['Reply', 'Reply all', 'Forward', 'Mark as read', 'Flag', 'Move to…', 'Archive', 'Delete', 'Junk']) await expect(menu.getByRole('menuitem', { name, exact: true })).toBeVisible()
  await screenshotBothThemes(app, 'mail-context-menu')
  expect(await seriousViolations(app), 'context menu').toEqual([])
  await menu.getByRole('menuitem', { name: 'Flag', exact: true }).click()
  await expect(row(app, /Keep me/)).toHaveAccessibleName(/flagged/)
  await expect.poll(async () => (await serverFolder(stack, alice, 'INBOX')).find((m) => m.subject === 'Keep me')?.flags, { timeout: 20_000 }).toContain('\\Flagged')

  // by keyboard: Shift+F10 on the list's row, then the menu's own keys
  await row(app, /Junk me/).click()
  await app.keyboard.press('Shift+F10')
  await expect(menu).toBeVisible()
  await menu.getByRole('menuitem', { name: 'Junk', exact: true }).focus()
  await app.keyboard.press('Enter')
  await expect(row(app, /Junk me/)).toBeHidden()
  await expect(messageList(app)).toBeFocused()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Junk')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['Junk me'])

  // drag two selected rows onto a folder in the sidebar: both move, and undo brings them back
  await row(app, /Drag me one/).click()
  await row(app, /Drag me two/).click({ modifiers: ['Control'] })
  const projects = app.getByRole('region', { name: 'Alice' }).getByRole('button', { name: /^Projects/ })
  // the folder's menu does not take it out of the Tab order
  await expect(projects).toHaveAttribute('tabindex', '0')
  // the folder lights up under a drag (the drag's events sent by hand, to hold it there for the picture)
  const dataTransfer = await app.evaluateHandle(() => new DataTransfer())
  await row(app, /Drag me two/).dispatchEvent('dragstart', { dataTransfer })
  await projects.dispatchEvent('dragover', { dataTransfer })
  await expect(projects).toHaveClass(/drop-target/)
  await screenshotBothThemes(app, 'mail-drag-to-folder')
  await projects.dispatchEvent('dragleave', { dataTransfer })
  await row(app, /Drag me two/).dispatchEvent('dragend', { dataTransfer })
  await expect(projects).not.toHaveClass(/drop-target/)
  // and the drop itself, with the mouse
  await row(app, /Drag me two/).dragTo(projects)
  await expect(row(app, /Drag me one/)).toBeHidden()
  await expect(row(app, /Drag me two/)).toBeHidden()
  await expect(app.getByRole('status').filter({ hasText: 'Moved 2 messages to Projects' })).toBeVisible()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Projects')).map((m) => m.subject).sort(), { timeout: 20_000 }).toEqual(['Drag me one', 'Drag me two'])
  await app.keyboard.press('Control+z')
  await expect(row(app, /Drag me one/)).toBeVisible({ timeout: 30_000 })
  await expect.poll(async () => (await serverFolder(stack, alice, 'Projects')).length, { timeout: 30_000 }).toBe(0)

  // v: the Move to menu by keyboard
  await row(app, /Keep me/).click()
  await app.keyboard.press('v')
  const moveMenu = app.getByRole('menu')
  await expect(moveMenu.getByRole('menuitem', { name: 'Projects' })).toBeVisible()
  await moveMenu.getByRole('menuitem', { name: 'Projects' }).focus()
  await app.keyboard.press('Enter')
  await expect(row(app, /Keep me/)).toBeHidden()
  await expect.poll(async () => (await serverFolder(stack, alice, 'Projects')).map((m) => m.subject), { timeout: 20_000 }).toEqual(['Keep me'])
})
