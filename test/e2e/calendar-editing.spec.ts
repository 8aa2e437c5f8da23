import { randomUUID } from 'node:crypto'
import type { Locator, Page } from '@playwright/test'
import type { ServersEnv } from '../servers/servers-env'
import { CalDavPeer, vevent } from '../integration/support/caldav-peer'
import { callMain } from './support/main-rpc.mjs'
import { expect, test } from './support/servers-fixture'
import type { WebMode } from './web-mode'

test.describe.configure({ mode: 'serial' })

/** carol's calendar on Radicale, emptied: this spec owns carol. */
async function carol(stack: ServersEnv) {
  const peer = new CalDavPeer(stack.radicaleUrl, 'carol', stack.users.carol.password)
  const calendarUrl = `${stack.radicaleUrl}/carol/calendar/`
  for (const href of await peer.list(calendarUrl)) await peer.delete(href)
  return { peer, calendarUrl }
}

async function addAccount(webMode: WebMode, stack: ServersEnv) {
  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name: 'Carol', serverUrl: stack.radicaleUrl, username: 'carol', mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color: '#1f883d' },
    password: stack.users.carol.password,
  })
}

/** The only object on the server, or null. */
async function onlyObject(peer: CalDavPeer, calendarUrl: string) {
  const hrefs = await peer.list(calendarUrl)
  if (hrefs.length !== 1) return { count: hrefs.length, data: '' }
  return { count: 1, data: (await peer.get(hrefs[0]!))?.data ?? '' }
}

/** The point in the week grid at `hour` (a number like 10.5) of today's column, or the column `shift` days after it. */
async function slot(app: Page, hour: number, shift = 0): Promise<{ x: number; y: number }> {
  const header = app.locator('.ec-header .ec-day.ec-today')
  const box = (await header.boundingBox())!
  const label = app.locator('.ec-sidebar').getByText(/^10:00\s?AM$/)
  const ten = (await label.boundingBox())!
  const eleven = (await app.locator('.ec-sidebar').getByText(/^11:00\s?AM$/).boundingBox())!
  const hourHeight = eleven.y - ten.y
  return { x: box.x + box.width / 2 + shift * box.width, y: ten.y + ten.height / 2 + (hour - 10) * hourHeight + 2 }
}

async function drag(app: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
  await app.mouse.move(from.x, from.y)
  await app.mouse.down()
  await app.mouse.move(from.x + (to.x - from.x) / 3, from.y + (to.y - from.y) / 3, { steps: 5 })
  await app.mouse.move(to.x, to.y, { steps: 10 })
  await app.mouse.up()
}

const eventIn = (grid: Locator, title: string) => grid.locator('.ec-event', { hasText: title })

/** Where an element is; it may be redrawn (by a sync) between finding it and measuring it, so retry. */
async function boxOf(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  for (let i = 0; i < 50; i++) {
    const box = await locator.boundingBox()
    if (box) return box
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the element never got a place on the page')
}

test('create by drag, edit, move by drag, pull a server change, resolve a conflict and delete — each round trip on the server', async ({ app, webMode, stack }, testInfo) => {
  test.setTimeout(120_000)
  const { peer, calendarUrl } = await carol(stack)
  await addAccount(webMode, stack)
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  const grid = app.getByRole('region', { name: 'Calendar', exact: true })
  await expect(grid.locator('.ec-header .ec-day.ec-today')).toBeVisible()
  const todayIsLast = (await app.locator('.ec-header .ec-day').last().getAttribute('class'))?.includes('ec-today')
  const shift = todayIsLast ? -1 : 1

  // create: drag from 10:00 to 11:30 in today's column
  await drag(app, await slot(app, 10.1), await slot(app, 11.4))
  const editor = app.getByRole('dialog', { name: 'New event' })
  await expect(editor).toBeVisible()
  await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('10:00')
  await expect(editor.getByLabel('End time', { exact: true })).toHaveValue('11:30')
  await editor.getByLabel('Title').fill('Drafted by drag')
  await editor.getByLabel('Location').fill('Room 7')
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect(editor).toBeHidden()
  await expect(eventIn(grid, 'Drafted by drag')).toBeVisible()
  await expect.poll(async () => (await onlyObject(peer, calendarUrl)).data).toContain('SUMMARY:Drafted by drag')
  expect((await onlyObject(peer, calendarUrl)).data).toMatch(/DTSTART[^:]*:\d{8}T100000/)

  // edit
  await eventIn(grid, 'Drafted by drag').click()
  const edit = app.getByRole('dialog', { name: 'Edit event' })
  await edit.getByLabel('Title').fill('Renamed in Quire')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(eventIn(grid, 'Renamed in Quire')).toBeVisible()
  await expect.poll(async () => (await onlyObject(peer, calendarUrl)).data).toContain('SUMMARY:Renamed in Quire')

  // move by drag: a day over and an hour later
  // once the server confirmed the edit the event is redrawn: take its place after that
  await expect(eventIn(grid, 'Renamed in Quire')).not.toHaveClass(/pending/)
  const box = await boxOf(eventIn(grid, 'Renamed in Quire'))
  const target = await slot(app, 11.1, shift)
  await drag(app, { x: box.x + box.width / 2, y: box.y + 8 }, { x: target.x, y: target.y })
  await expect.poll(async () => (await onlyObject(peer, calendarUrl)).data).toMatch(/DTSTART[^:]*:\d{8}T110000/)
  expect((await onlyObject(peer, calendarUrl)).data).toMatch(/DTEND[^:]*:\d{8}T123000/)

  // a change made on the server appears after a sync
  const { data } = await onlyObject(peer, calendarUrl)
  const href = (await peer.list(calendarUrl))[0]!
  await peer.put(href, data.replace('SUMMARY:Renamed in Quire', 'SUMMARY:Changed on the server'))
  await app.getByRole('button', { name: 'Sync now' }).click()
  await expect(eventIn(grid, 'Changed on the server')).toBeVisible()

  // someone changes it again, and Quire edits the version it knows: a conflict, both kept
  const theirs = (await peer.get(href))!.data.replace('SUMMARY:Changed on the server', 'SUMMARY:Server edit')
  await peer.put(href, theirs)
  await eventIn(grid, 'Changed on the server').click()
  await edit.getByLabel('Title').fill('Local edit')
  await edit.getByRole('button', { name: 'Save' }).click()
  const banner = app.getByRole('alert').filter({ hasText: 'was changed on the server while you changed it here' })
  await expect(banner).toBeVisible()
  expect((await peer.get(href))!.data).toContain('SUMMARY:Server edit')
  await banner.getByRole('button', { name: 'Review' }).click()
  const conflict = app.getByRole('dialog', { name: 'Changed in two places' })
  await expect(conflict.getByRole('region', { name: 'Your version' })).toContainText('Local edit')
  await expect(conflict.getByRole('region', { name: 'On the server now' })).toContainText('Server edit')
  await app.screenshot({ path: testInfo.outputPath('calendar-conflict-light.png') })
  await conflict.getByRole('button', { name: 'Keep mine' }).click()
  await expect(conflict).toBeHidden()
  await expect.poll(async () => (await peer.get(href))?.data).toContain('SUMMARY:Local edit')
  await expect(banner).toBeHidden()

  // delete
  await eventIn(grid, 'Local edit').click()
  await edit.getByRole('button', { name: 'Delete' }).click()
  await expect(eventIn(grid, 'Local edit')).toBeHidden()
  await expect.poll(async () => (await peer.list(calendarUrl)).length).toBe(0)
})

test('a repeating event: one occurrence changed, one deleted, the whole series moved', async ({ app, webMode, stack }) => {
  test.setTimeout(120_000)
  const { peer, calendarUrl } = await carol(stack)
  const uid = `${randomUUID()}@e2e`
  const d = new Date()
  const stamp = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`
  await peer.put(`${calendarUrl}${uid}.ics`, vevent(uid, 'Daily sync', `${stamp}T080000`, `${stamp}T083000`, ['RRULE:FREQ=DAILY;COUNT=3']))
  await addAccount(webMode, stack)
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'Agenda', exact: true }).click()
  const grid = app.getByRole('region', { name: 'Calendar', exact: true })
  await expect(grid.getByText('Daily sync')).toHaveCount(3)

  // this event only: an override (RECURRENCE-ID) on the server
  await grid.getByText('Daily sync').nth(1).click()
  const edit = app.getByRole('dialog', { name: 'Edit event' })
  await edit.getByLabel('Title').fill('Daily sync (moved room)')
  await edit.getByRole('button', { name: 'Save' }).click()
  await app.getByRole('alertdialog', { name: 'Change a repeating event' }).getByRole('button', { name: 'This event' }).click()
  await expect(grid.getByText('Daily sync (moved room)')).toHaveCount(1)
  await expect.poll(async () => (await peer.get(`${calendarUrl}${uid}.ics`))?.data).toMatch(/RECURRENCE-ID:\d{8}T080000\r\n/)

  // delete the last one: an EXDATE
  await grid.getByText('Daily sync', { exact: true }).last().click()
  await edit.getByRole('button', { name: 'Delete' }).click()
  await app.getByRole('alertdialog', { name: 'Delete a repeating event' }).getByRole('button', { name: 'This event' }).click()
  await expect(grid.getByText(/^Daily sync/)).toHaveCount(2)
  await expect.poll(async () => (await peer.get(`${calendarUrl}${uid}.ics`))?.data).toMatch(/EXDATE:\d{8}T080000/)

  // all events: the series title
  await grid.getByText('Daily sync', { exact: true }).first().click()
  await edit.getByLabel('Title').fill('Morning sync')
  await edit.getByRole('button', { name: 'Save' }).click()
  await app.getByRole('alertdialog', { name: 'Change a repeating event' }).getByRole('button', { name: 'All events' }).click()
  await expect(grid.getByText('Morning sync', { exact: true })).toHaveCount(1)
  await expect.poll(async () => (await peer.get(`${calendarUrl}${uid}.ics`))?.data).toContain('SUMMARY:Morning sync')
  // the overridden instance keeps its own title
  await expect(grid.getByText('Daily sync (moved room)')).toHaveCount(1)
})

test('the editor makes a weekly series on chosen days with an end and a reminder', async ({ app, webMode, stack }, testInfo) => {
  const { peer, calendarUrl } = await carol(stack)
  await addAccount(webMode, stack)
  await app.getByRole('link', { name: 'Calendar' }).click()
  await app.getByRole('button', { name: 'New event' }).click()
  const editor = app.getByRole('dialog', { name: 'New event' })
  await editor.getByLabel('Title').fill('Gym')
  await editor.getByLabel('Start date').fill('2030-01-07')
  await editor.getByLabel('Start time', { exact: true }).fill('07:30')
  await editor.getByLabel('End time', { exact: true }).fill('08:30')
  await editor.getByRole('combobox', { name: 'Repeat' }).selectOption('WEEKLY')
  await editor.getByRole('group', { name: 'On these days' }).getByRole('button', { name: 'Wednesday' }).click()
  await editor.getByRole('group', { name: 'On these days' }).getByRole('button', { name: 'Friday' }).click()
  await editor.getByRole('combobox', { name: 'Ends' }).selectOption('count')
  await editor.getByLabel('Number of times').fill('6')
  await editor.getByRole('combobox', { name: 'Add a reminder' }).selectOption({ label: '10 minutes before' })
  await expect(editor).toContainText('Every week on Monday, Wednesday, Friday, 6 times')
  await app.screenshot({ path: testInfo.outputPath('calendar-editor-recurring-light.png') })
  await app.emulateMedia({ colorScheme: 'dark' })
  await app.screenshot({ path: testInfo.outputPath('calendar-editor-recurring-dark.png') })
  await app.emulateMedia({ colorScheme: 'light' })
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect(editor).toBeHidden()
  await expect.poll(async () => (await onlyObject(peer, calendarUrl)).data).toMatch(/RRULE:FREQ=WEEKLY;(BYDAY=MO,WE,FR;COUNT=6|COUNT=6;BYDAY=MO,WE,FR)/)
  const { data } = await onlyObject(peer, calendarUrl)
  expect(data).toMatch(/DTSTART[^:]*:20300107T073000/)
  expect(data).toContain('TRIGGER:-PT10M')
  // the week of 7 January 2030 shows the three days
  await app.getByRole('button', { name: 'Week', exact: true }).click()
  for (let i = 0; i < 200 && !(await app.getByRole('heading', { level: 1 }).textContent())?.includes('2030'); i++) {
    await app.getByRole('button', { name: 'Next month' }).click()
    const jump = app.getByRole('region', { name: 'Jump to a date' })
    if ((await jump.textContent())?.includes('January 2030')) {
      await jump.getByRole('button', { name: /January 8, 2030|8 January 2030/ }).click()
      break
    }
  }
  await expect(app.getByRole('region', { name: 'Calendar', exact: true }).getByText('Gym')).toHaveCount(3)
})
