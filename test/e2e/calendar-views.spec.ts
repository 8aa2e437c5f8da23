import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ServersEnv } from '../servers/servers-env'
import { CalDavPeer } from '../integration/support/caldav-peer'
import { callMain } from './support/main-rpc.mjs'
import { expect, test } from './support/servers-fixture'

test.describe.configure({ mode: 'serial' })

const pad = (n: number) => String(n).padStart(2, '0')
/** "20261126" for a date `days` from today (UTC). */
function day(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`
}
/** Monday of this week, as a day offset from today. */
const mondayOffset = () => -((new Date().getUTCDay() + 6) % 7)

async function freshCalendar(stack: ServersEnv): Promise<{ peer: CalDavPeer; calendarUrl: string }> {
  const peer = new CalDavPeer(stack.radicaleUrl, 'bob', stack.users.bob.password)
  // bob's calendars, emptied: other specs of this worker's stack may have left events in them
  const calendarUrl = `${stack.radicaleUrl}/bob/calendar/`
  for (const url of [calendarUrl, `${stack.radicaleUrl}/bob/team/`]) for (const href of await peer.list(url)) await peer.delete(href)
  return { peer, calendarUrl }
}

const ics = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quire e2e//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n')

test('add a CalDAV server in Settings, then see its events in week, month and agenda views', async ({ app, stack }, testInfo) => {
  test.setTimeout(120_000)
  const { peer, calendarUrl } = await freshCalendar(stack)
  const monday = mondayOffset()
  const put = (lines: string[]) => peer.put(`${calendarUrl}${randomUUID()}.ics`, ics('BEGIN:VEVENT', `UID:${randomUUID()}`, 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'))
  // floating times: they show at the same wall-clock time whatever the browser's zone
  await put([`DTSTART:${day(monday + 1)}T090000`, `DTEND:${day(monday + 1)}T103000`, 'SUMMARY:Design review', 'LOCATION:Room 4'])
  await put([`DTSTART:${day(monday + 1)}T100000`, `DTEND:${day(monday + 1)}T110000`, 'SUMMARY:Overlapping call'])
  await put([`DTSTART:${day(monday + 2)}T140000`, `DTEND:${day(monday + 2)}T150000`, 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:Stand-up'])
  await put([`DTSTART;VALUE=DATE:${day(monday + 3)}`, `DTEND;VALUE=DATE:${day(monday + 5)}`, 'SUMMARY:Offsite'])

  await app.getByRole('link', { name: 'Calendar' }).click()
  await expect(app.getByRole('heading', { name: 'Add an account to get started' })).toBeVisible()
  await app.getByRole('button', { name: 'Add an account' }).click()

  // Settings → Calendars & contacts → Add a calendar server, Test connection
  const section = app.getByRole('region', { name: 'Calendars & contacts' })
  await section.getByRole('button', { name: 'Add a calendar server' }).click()
  const dialog = app.getByRole('dialog', { name: 'Add a calendar & contacts server' })
  await dialog.getByLabel('Server').fill(stack.radicaleUrl)
  await dialog.getByLabel('User name').fill('bob')
  await dialog.getByLabel('Name', { exact: true }).fill('Bob at Radicale')
  await dialog.getByLabel('Password', { exact: true }).fill('wrong password')
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  await expect(dialog.getByRole('list', { name: 'Connection test results' })).toContainText('refused the user name or password')
  await dialog.getByLabel('Password', { exact: true }).fill(stack.users.bob.password)
  await dialog.getByRole('button', { name: 'Test connection' }).click()
  await expect(dialog.getByRole('list', { name: 'Connection test results' })).toContainText('Calendars (CalDAV): found and signed in')
  await app.screenshot({ path: testInfo.outputPath('settings-dav-account-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('settings-dav-account-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })
  await dialog.getByRole('button', { name: 'Add server' }).click()
  await expect(dialog).toBeHidden()
  await expect(section.getByRole('list', { name: 'Calendar and contacts servers' })).toContainText('Bob at Radicale')

  await app.getByRole('link', { name: 'Calendar' }).click()
  const calendar = app.getByRole('region', { name: 'Calendar', exact: true })
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  await expect(calendar.getByText('Design review')).toBeVisible()
  await expect(calendar.getByText('Overlapping call')).toBeVisible()
  await expect(calendar.getByText('Room 4')).toBeVisible()
  await expect(calendar.getByText('Stand-up')).toHaveCount(3)
  await expect(calendar.getByText('Offsite')).toBeVisible()
  // overlapping events sit side by side
  const review = await calendar.locator('.ec-event', { hasText: 'Design review' }).boundingBox()
  const call = await calendar.locator('.ec-event', { hasText: 'Overlapping call' }).boundingBox()
  expect(review && call && (review.x + review.width <= call.x + 1 || call.x + call.width <= review.x + 1)).toBe(true)
  await expect(app.getByRole('navigation', { name: 'Calendar list' })).toContainText('calendar')
  await app.screenshot({ path: testInfo.outputPath('calendar-week-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('calendar-week-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })

  // a calendar can be hidden
  await app.getByRole('checkbox', { name: 'Show calendar' }).uncheck({ force: true })
  await expect(calendar.getByText('Design review')).toBeHidden()
  await app.getByRole('checkbox', { name: 'Show calendar' }).check({ force: true })
  await expect(calendar.getByText('Design review')).toBeVisible()

  await app.getByRole('button', { name: 'Month', exact: true }).click()
  await expect(calendar.getByText('Design review')).toBeVisible()
  await app.screenshot({ path: testInfo.outputPath('calendar-month-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('calendar-month-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })

  await app.getByRole('button', { name: 'Agenda', exact: true }).click()
  await app.getByRole('button', { name: 'Previous two weeks' }).click()
  await app.getByRole('button', { name: 'Next two weeks' }).click()
  await app.getByRole('button', { name: 'Today' }).click()
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  await app.getByRole('button', { name: 'Agenda', exact: true }).click()
  await app.screenshot({ path: testInfo.outputPath('calendar-agenda-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('calendar-agenda-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })

  // the editor for an event
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  await calendar.getByText('Design review').click()
  const editor = app.getByRole('dialog', { name: 'Edit event' })
  await expect(editor.getByLabel('Title')).toHaveValue('Design review')
  await expect(editor.getByLabel('Location')).toHaveValue('Room 4')
  await app.screenshot({ path: testInfo.outputPath('calendar-editor-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('calendar-editor-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })
  await editor.getByRole('button', { name: 'Cancel' }).click()

  // the work week and day views; the mini month jumps
  await app.getByRole('button', { name: 'Work week' }).click()
  await expect(calendar.getByText('Design review')).toBeVisible()
  await app.getByRole('button', { name: 'Day', exact: true }).click()
  await app.getByRole('button', { name: 'Next month' }).click()
  const jump = app.getByRole('region', { name: 'Jump to a date' })
  await jump.getByRole('button', { name: /\b15\b/ }).first().click()
  await expect(app.getByRole('heading', { level: 1 })).toContainText('15')
})

test('import an .ics file into a calendar with a summary, and export the calendar', async ({ app, webMode, stack }) => {
  const { peer, calendarUrl } = await freshCalendar(stack)
  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name: 'Bob', serverUrl: stack.radicaleUrl, username: 'bob', mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color: '#8250df' },
    password: stack.users.bob.password,
  })
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'Import events' }).click()
  const dialog = app.getByRole('dialog', { name: 'Import events' })
  const file = ics(
    'BEGIN:VEVENT',
    'UID:imported-1@e2e',
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${day(0)}T120000`,
    `DTEND:${day(0)}T130000`,
    'SUMMARY:Imported lunch',
    'END:VEVENT',
    'BEGIN:VTODO',
    'UID:todo@e2e',
    'SUMMARY:Not an event',
    'END:VTODO',
  )
  await dialog.locator('input[type=file]').setInputFiles({ name: 'lunch.ics', mimeType: 'text/calendar', buffer: Buffer.from(file) })
  await dialog.getByRole('combobox', { name: 'Into calendar' }).selectOption({ label: 'calendar' })
  await dialog.getByRole('button', { name: 'Import' }).click()
  await expect(dialog.getByRole('status')).toContainText('1 added, 0 updated, 1 skipped')
  await expect(dialog.getByRole('list', { name: 'Skipped' })).toContainText('Not an event: a task, not an event')
  await dialog.getByRole('button', { name: 'Done' }).click()
  await app.getByRole('button', { name: 'Day', exact: true }).click()
  await app.getByRole('button', { name: 'Today' }).click()
  await expect(app.getByRole('region', { name: 'Calendar', exact: true }).getByText('Imported lunch')).toBeVisible()
  await expect.poll(async () => (await Promise.all((await peer.list(calendarUrl)).map((h) => peer.get(h)))).map((o) => o?.data ?? '').join()).toContain('SUMMARY:Imported lunch')

  const download = app.waitForEvent('download')
  await app.getByRole('navigation', { name: 'Calendar list' }).getByRole('button', { name: 'Export calendar' }).click({ force: true })
  const exported = await download
  expect(exported.suggestedFilename()).toBe('calendar.ics')
  const text = await readFile((await exported.path())!, 'utf8')
  expect(text).toContain('SUMMARY:Imported lunch')
  expect(text).toContain('X-WR-CALNAME:calendar')
})
