import { randomUUID } from 'node:crypto'
import { CalDavPeer, vevent } from '../integration/support/caldav-peer'
import { callMain } from './support/main-rpc.mjs'
import { expect, test } from './support/servers-fixture'

const stamp = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '')

test('a reminder fires as a desktop notification at its time; a missed one shows once; dismissing writes ACKNOWLEDGED', async ({ app, webMode, stack }, testInfo) => {
  test.setTimeout(120_000)
  await app.context().grantPermissions(['notifications'], { origin: new URL(webMode.url).origin })
  // bob's "team" calendar (carol and bob use the others in other specs)
  const peer = new CalDavPeer(stack.radicaleUrl, 'bob', stack.users.bob.password)
  const calendarUrl = `${stack.radicaleUrl}/bob/team/`
  for (const href of await peer.list(calendarUrl)) await peer.delete(href)

  const dueAt = Date.now() + 25_000
  const soon = `${calendarUrl}${randomUUID()}.ics`
  await peer.put(soon, vevent(`${randomUUID()}@e2e`, 'Coffee with Dana', stamp(dueAt), stamp(dueAt + 1_800_000), ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Coffee with Dana', 'TRIGGER:PT0S', 'END:VALARM']))
  const earlier = Date.now() - 2 * 3_600_000
  const missed = `${calendarUrl}${randomUUID()}.ics`
  await peer.put(missed, vevent(`${randomUUID()}@e2e`, 'Dentist', stamp(earlier + 600_000), stamp(earlier + 2_400_000), ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Dentist', 'TRIGGER:-PT10M', 'END:VALARM']))

  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name: 'Bob', serverUrl: stack.radicaleUrl, username: 'bob', mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color: '#cf222e' },
    password: stack.users.bob.password,
  })
  // reminders come whichever section is open: stay in Settings
  await app.getByRole('link', { name: 'Settings' }).click()
  const reminders = app.getByRole('region', { name: 'Reminders' })
  const dentist = reminders.getByRole('alertdialog', { name: 'Dentist' })
  await expect(dentist).toBeVisible()
  await expect(dentist).toContainText('Missed')
  const coffee = reminders.getByRole('alertdialog', { name: 'Coffee with Dana' })
  await expect(coffee).toBeHidden()

  await expect(coffee).toBeVisible({ timeout: 45_000 })
  expect(Date.now()).toBeGreaterThanOrEqual(dueAt - 1000)
  await expect(coffee).toContainText('Also shown as a desktop notification')
  await expect(coffee).not.toContainText('Missed')
  await app.screenshot({ path: testInfo.outputPath('calendar-reminder-light.png') })

  // dismissing tells the server (RFC 9074 ACKNOWLEDGED), so other devices stop too
  await coffee.getByRole('button', { name: 'Dismiss', exact: true }).click()
  await expect(coffee).toBeHidden()
  await expect.poll(async () => (await peer.get(soon))?.data).toMatch(/ACKNOWLEDGED:\d{8}T\d{6}Z/)

  // after a restart: the dismissed one stays away; the missed one is still listed, but was notified once only
  const notifiedAt = await dentist.getAttribute('data-notified-at')
  expect(Number(notifiedAt)).toBeGreaterThan(0)
  await app.reload()
  await expect(dentist).toBeVisible()
  await expect(dentist).toContainText('Missed')
  await expect(dentist).toHaveAttribute('data-notified-at', notifiedAt!)
  await expect(coffee).toBeHidden()
  await dentist.getByRole('combobox', { name: 'Snooze Dentist' }).selectOption('5')
  await expect(dentist).toBeHidden()
  await app.reload()
  await expect(app.getByRole('link', { name: 'Settings' })).toBeVisible()
  await app.waitForTimeout(1500)
  await expect(dentist).toBeHidden()
})
