import { randomUUID } from 'node:crypto'
import type { Page } from '@playwright/test'
import type { ServersEnv } from '../servers/servers-env'
import { CalDavPeer } from '../integration/support/caldav-peer'
import { callMain } from './support/main-rpc.mjs'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'
import type { WebMode } from './web-mode'

test.describe.configure({ mode: 'serial' })

const pad = (n: number) => String(n).padStart(2, '0')
/** "20261126": today (UTC), the day the week view opens on. */
function today(): string {
  const d = new Date()
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
}

const ics = (summary: string, start: string, end: string) =>
  // floating times: they show at the same wall-clock time whatever the browser's zone
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quire e2e//EN', 'BEGIN:VEVENT', `UID:${randomUUID()}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${start}`, `DTEND:${end}`, `SUMMARY:${summary}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')

/** A calendar on Radicale emptied of what other specs on this stack left, with one event in it today. */
async function calendarWith(stack: ServersEnv, owner: 'alice' | 'bob', calendar: string, summary: string, hour: number) {
  const peer = new CalDavPeer(stack.radicaleUrl, owner, stack.users[owner].password)
  const calendarUrl = `${stack.radicaleUrl}/${owner}/${calendar}/`
  for (const href of await peer.list(calendarUrl)) await peer.delete(href)
  const href = `${calendarUrl}${randomUUID()}.ics`
  await peer.put(href, ics(summary, `${today()}T${pad(hour)}0000`, `${today()}T${pad(hour + 1)}0000`))
  return { peer, href }
}

async function addAccount(webMode: WebMode, stack: ServersEnv, user: 'bob' | 'carol', color: string) {
  const name = user === 'bob' ? 'Bob' : 'Carol'
  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name, serverUrl: stack.radicaleUrl, username: user, mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color },
    password: stack.users[user].password,
  })
}

async function addSomeone(app: Page, who: string) {
  await app.getByRole('button', { name: 'Add someone’s calendars…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Add someone’s calendars' })
  await dialog.getByLabel('Email address or calendar URL').fill(who)
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog).toBeHidden()
}

test('bob adds alice’s calendars: her read-only “shared” appears under her name, cannot be changed, and shows beside his own', async ({ app, webMode, stack }) => {
  test.setTimeout(120_000)
  const { peer: alice, href } = await calendarWith(stack, 'alice', 'shared', 'Alice’s planning', 10)
  const before = (await alice.get(href))!
  const bob = new CalDavPeer(stack.radicaleUrl, 'bob', stack.users.bob.password)
  for (const stale of await bob.list(`${stack.radicaleUrl}/bob/calendar/`)) await bob.delete(stale)
  await bob.put(`${stack.radicaleUrl}/bob/calendar/${randomUUID()}.ics`, ics('Bob’s focus time', `${today()}T130000`, `${today()}T150000`))
  await addAccount(webMode, stack, 'bob', '#8250df')
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  const list = app.getByRole('navigation', { name: 'Calendar list' })
  await expect(list.getByLabel('Show calendar', { exact: true })).toBeAttached()

  // someone who shares nothing with bob: said in the dialog, nothing added
  await app.getByRole('button', { name: 'Add someone’s calendars…' }).click()
  const dialog = app.getByRole('dialog', { name: 'Add someone’s calendars' })
  await dialog.getByLabel('Email address or calendar URL').fill('carol@example.test')
  await dialog.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(dialog.getByRole('alert')).toContainText('has not shared any calendar with you')
  await dialog.getByRole('button', { name: 'Cancel' }).click()

  await addSomeone(app, 'alice@example.test')
  const person = list.getByRole('region', { name: 'Calendars of alice@example.test' })
  await expect(person.getByLabel('Show alice@example.test — shared')).toBeChecked()
  await expect(person.getByLabel('read only')).toBeVisible()
  // her private calendar is not shared with bob, so it is not there
  await expect(person.getByRole('listitem')).toHaveCount(1)

  const grid = app.getByRole('region', { name: 'Calendar', exact: true })
  const event = grid.locator('.ec-event', { hasText: 'Alice’s planning' })
  await expect(event).toBeVisible()
  await screenshotBothThemes(app, 'calendar-shared-list')

  // opened, it can be read but not changed
  await event.click()
  const viewer = app.getByRole('dialog', { name: 'Event', exact: true })
  await expect(viewer.getByLabel('Title')).toHaveValue('Alice’s planning')
  await expect(viewer.getByLabel('Title')).not.toBeEditable()
  await expect(viewer).toContainText('alice@example.test shares this calendar with you read-only')
  await screenshotBothThemes(app, 'calendar-shared-event-read-only')
  await expect(viewer.getByRole('button', { name: 'Save' })).toHaveCount(0)
  await expect(viewer.getByRole('button', { name: /Delete/ })).toHaveCount(0)
  await viewer.getByRole('button', { name: 'Close', exact: true }).first().click()
  await expect(viewer).toBeHidden()

  // dragging it does nothing: the grid does not let it move, and the server keeps her version
  const box = (await event.boundingBox())!
  await app.mouse.move(box.x + box.width / 2, box.y + 8)
  await app.mouse.down()
  await app.mouse.move(box.x + box.width / 2, box.y + 120, { steps: 10 })
  await app.mouse.up()
  await expect(app.getByRole('dialog')).toHaveCount(0)
  expect(await app.getByText(/changes? waiting to be sent/).count()).toBe(0)
  expect((await alice.get(href))?.etag).toBe(before.etag)

  // a new event never goes into her calendar
  await app.getByRole('button', { name: 'New event' }).click()
  const editor = app.getByRole('dialog', { name: 'New event' })
  await expect(editor.getByRole('combobox', { name: 'Calendar', exact: true }).locator('option')).toHaveText(['calendar', 'team'])
  await editor.getByRole('button', { name: 'Cancel' }).click()

  // beside his own: one column each in the week view
  await app.getByRole('button', { name: 'Side by side' }).click()
  await expect(app.getByRole('button', { name: 'Side by side' })).toHaveAttribute('aria-pressed', 'true')
  await expect(grid.locator('.ec-resource', { hasText: 'Me' }).first()).toBeVisible()
  await expect(grid.locator('.ec-resource', { hasText: 'alice@example.test' }).first()).toBeVisible()
  await expect(grid.locator('.ec-event', { hasText: 'Bob’s focus time' })).toBeVisible()
  await expect(event).toBeVisible()
  // her event sits right of his: in her column
  const mine = (await grid.locator('.ec-event', { hasText: 'Bob’s focus time' }).boundingBox())!
  const hers = (await event.boundingBox())!
  expect(hers.x).toBeGreaterThan(mine.x)
  await screenshotBothThemes(app, 'calendar-shared-side-by-side-week')
  await app.getByRole('button', { name: 'Day', exact: true }).click()
  await expect(grid.locator('.ec-event', { hasText: 'Bob’s focus time' })).toBeVisible()
  await expect(grid.locator('.ec-event', { hasText: 'Alice’s planning' })).toBeVisible()
  await screenshotBothThemes(app, 'calendar-shared-side-by-side-day')

  // removed, her calendar goes from the list and the views
  await person.getByRole('button', { name: 'Remove alice@example.test’s calendars' }).click()
  await expect(person).toBeHidden()
  await expect(grid.locator('.ec-event', { hasText: 'Alice’s planning' })).toBeHidden()
  await expect(app.getByRole('button', { name: 'Side by side' })).toBeDisabled()
})

test('carol adds bob’s calendars: “team” is writable, her edit reaches the server and bob sees it', async ({ app, webMode, stack }) => {
  test.setTimeout(120_000)
  const { peer: bob, href } = await calendarWith(stack, 'bob', 'team', 'Team standup', 11)
  await addAccount(webMode, stack, 'carol', '#1f883d')
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  await addSomeone(app, 'bob@example.test')
  const list = app.getByRole('navigation', { name: 'Calendar list' })
  const person = list.getByRole('region', { name: 'Calendars of bob@example.test' })
  await expect(person.getByLabel('Show bob@example.test — team')).toBeChecked()
  await expect(person.getByLabel('read only')).toHaveCount(0)

  const grid = app.getByRole('region', { name: 'Calendar', exact: true })
  await grid.locator('.ec-event', { hasText: 'Team standup' }).click()
  const editor = app.getByRole('dialog', { name: 'Edit event' })
  await expect(editor.getByRole('combobox', { name: 'Calendar', exact: true })).toHaveValue(/\/bob\/team\/$/)
  await editor.getByLabel('Title').fill('Team standup (moved by carol)')
  await editor.getByLabel('Location').fill('Room 2')
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect(editor).toBeHidden()
  await expect(grid.locator('.ec-event', { hasText: 'Team standup (moved by carol)' })).toBeVisible()
  // bob, the owner, reads the change on the server with his own login
  await expect.poll(async () => (await bob.get(href))?.data ?? '').toContain('SUMMARY:Team standup (moved by carol)')
  expect((await bob.get(href))?.data).toContain('LOCATION:Room 2')
})
