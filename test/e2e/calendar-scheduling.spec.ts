import { randomUUID } from 'node:crypto'
import type { Locator, Page } from '@playwright/test'
import { CalDavPeer, vevent } from '../integration/support/caldav-peer'
import { callMain } from './support/main-rpc.mjs'
import { screenshotBothThemes } from './support/screenshots'
import { expect, test } from './support/servers-fixture'

// the grid's hours are the browser's: pin them so the expected places do not depend on the machine
test.use({ timezoneId: 'UTC' })

const DAY = '2030-03-13' // a Wednesday
const stamp = (time: string) => `${DAY.replaceAll('-', '')}T${time.replace(':', '')}00Z`
const at = (time: string) => Date.parse(`${DAY}T${time}:00Z`)

/** Where `time` lies along the assistant's track, as a fraction: the day view shows 07:00–19:00 (working hours ± 2 h). */
const fraction = (time: string) => (at(time) - at('07:00')) / (12 * 3_600_000)

async function leftEdge(track: Locator, block: Locator): Promise<number> {
  const outer = (await track.boundingBox())!
  const inner = (await block.boundingBox())!
  return (inner.x - outer.x) / outer.width
}

/** Opens a new event on DAY, 09:00–10:00 UTC, with these attendees, and returns the editor. */
async function newMeeting(app: Page, title: string, addresses: string[]): Promise<Locator> {
  await app.getByRole('button', { name: 'New event' }).click()
  const editor = app.getByRole('dialog', { name: 'New event' })
  await editor.getByLabel('Title').fill(title)
  await editor.getByLabel('Start date').fill(DAY)
  await editor.getByLabel('Start time', { exact: true }).fill('09:00')
  await editor.getByLabel('End time', { exact: true }).fill('10:00')
  await editor.getByRole('combobox', { name: 'Start time zone' }).selectOption('UTC')
  await editor.getByRole('combobox', { name: 'End time zone' }).selectOption('UTC')
  const attendees = editor.getByRole('combobox', { name: 'Attendees' })
  for (const address of addresses) {
    await attendees.fill(address)
    await attendees.press('Enter')
  }
  return editor
}

test('bob finds a time with alice: her busy times from Cyrus scheduling, and the first slot free for both', async ({ app, webMode, stack }) => {
  test.setTimeout(120_000)
  const cyrus = (user: 'alice' | 'bob' | 'carol') => new CalDavPeer(stack.cyrusDavUrl, user, stack.users[user].password)
  const calendar = (user: string) => `${stack.cyrusDavUrl}/dav/calendars/user/${user}/Default/`
  const made: { peer: CalDavPeer; href: string }[] = []
  const put = async (user: 'alice' | 'bob' | 'carol', summary: string, from: string, to: string, extra: string[] = []) => {
    const href = `${calendar(user)}${randomUUID()}.ics`
    await cyrus(user).put(href, vevent(`${randomUUID()}@quire.test`, summary, stamp(from), stamp(to), extra))
    made.push({ peer: cyrus(user), href })
  }
  // alice: busy 09:00–10:30, tentative 11:00–12:00; bob: busy 10:30–11:00; carol (optional): busy 12:00–14:00
  await put('alice', 'Alice planning', '09:00', '10:30')
  await put('alice', 'Alice maybe', '11:00', '12:00', ['STATUS:TENTATIVE'])
  await put('bob', 'Bob dentist', '10:30', '11:00')
  await put('carol', 'Carol workshop', '12:00', '14:00')

  try {
    await callMain(webMode.url, 'dav.accounts.add', {
      settings: { name: 'Bob (Cyrus)', serverUrl: stack.cyrusDavUrl, username: 'bob', mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color: '#2f6feb' },
      password: stack.users.bob.password,
    })
    await app.getByRole('link', { name: 'Calendar' }).click()
    const editor = await newMeeting(app, 'Planning sync', ['alice@example.test', 'carol@example.test', 'dave@example.test'])
    await editor.locator('li[data-address="carol@example.test"]').getByRole('checkbox', { name: 'Optional' }).check()

    await editor.getByRole('button', { name: 'Find a time' }).click()
    const assistant = editor.getByRole('region', { name: 'Scheduling assistant' })
    await expect(assistant).toBeVisible()
    const row = (address: string) => assistant.locator(`[data-testid="schedule-row"][data-address="${address}"]`)
    const lane = (address: string) => assistant.locator(`[data-testid="schedule-lane"][data-address="${address}"]`)
    await expect(row('alice@example.test')).toContainText('from server scheduling')
    await expect(row('carol@example.test')).toContainText('(optional)')
    await expect(row('dave@example.test')).toContainText('not available — no free/busy published')

    // alice's busy block sits at 09:00–10:30 and her tentative one at 11:00–12:00
    const busy = lane('alice@example.test').locator('[data-type="BUSY"]')
    await expect(busy).toHaveAttribute('data-start', String(at('09:00')))
    await expect(busy).toHaveAttribute('data-end', String(at('10:30')))
    await expect(lane('alice@example.test').locator('[data-type="BUSY-TENTATIVE"]')).toHaveAttribute('data-start', String(at('11:00')))
    const track = assistant.locator('.track')
    expect(await leftEdge(track, busy)).toBeCloseTo(fraction('09:00'), 2)
    // mine comes from my own calendar in the store (synced from Cyrus)
    await expect(lane('me').locator('[data-type="BUSY"]')).toHaveAttribute('data-start', String(at('10:30')))

    await screenshotBothThemes(app, 'calendar-scheduling-assistant')
    await assistant.getByRole('button', { name: 'Week' }).click()
    await expect(lane('alice@example.test').locator('[data-type="BUSY"]')).toHaveCount(1)
    await screenshotBothThemes(app, 'calendar-scheduling-week')
    await assistant.getByRole('button', { name: 'Day' }).click()

    // 09:00 alice, 10:30 me, 11:00 alice (tentative counts), 12:00 carol is only optional: 12:00–13:00
    await assistant.getByRole('button', { name: 'Next time everyone is free' }).click()
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('12:00')
    await expect(editor.getByLabel('End time', { exact: true })).toHaveValue('13:00')
    const slot = assistant.getByRole('slider', { name: 'Proposed time' })
    expect(await leftEdge(track, slot)).toBeCloseTo(fraction('12:00'), 2)

    // the proposal moves with the keyboard (visible focus) and by dragging
    await slot.focus()
    await expect(slot).toBeFocused()
    await slot.press('ArrowRight')
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('12:15')
    await slot.press('Shift+ArrowRight')
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('13:15')
    const box = (await slot.boundingBox())!
    const hourWidth = (await track.boundingBox())!.width / 12
    await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await app.mouse.down()
    await app.mouse.move(box.x + box.width / 2 + hourWidth / 2, box.y + box.height / 2, { steps: 4 })
    await app.mouse.move(box.x + box.width / 2 + hourWidth, box.y + box.height / 2, { steps: 4 })
    await app.mouse.up()
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('14:15')
    await expect(editor.getByLabel('End time', { exact: true })).toHaveValue('15:15')
    await assistant.getByRole('button', { name: 'Next time everyone is free' }).click()
    // from the start of the day again: 12:00 is the first; the proposal was elsewhere, so it goes there
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('12:00')

    await editor.getByRole('button', { name: 'Save' }).click()
    await expect(editor).toBeHidden()
    const bob = cyrus('bob')
    await expect
      .poll(async () => {
        for (const href of await bob.list(calendar('bob'))) {
          const data = (await bob.get(href))?.data ?? ''
          if (data.includes('SUMMARY:Planning sync')) return data
        }
        return ''
      })
      .toMatch(/DTSTART[^:\r\n]*:20300313T120000Z?/)
  } finally {
    for (const { peer, href } of made) await peer.delete(href)
    const bob = cyrus('bob')
    for (const href of await bob.list(calendar('bob'))) if ((await bob.get(href))?.data.includes('SUMMARY:Planning sync')) await bob.delete(href)
  }
})

test('bob finds a time with alice from the calendar she shares with him on Radicale (no free/busy service there)', async ({ app, webMode, stack }) => {
  test.setTimeout(120_000)
  const alice = new CalDavPeer(stack.radicaleUrl, 'alice', stack.users.alice.password)
  const shared = `${stack.radicaleUrl}/alice/shared/`
  const hrefs = [`${shared}${randomUUID()}.ics`, `${shared}${randomUUID()}.ics`]
  // alice: busy 09:00–10:00 and 10:30–11:00 in the calendar she shares read-only with bob
  await alice.put(hrefs[0]!, vevent(`${randomUUID()}@quire.test`, 'Alice standup', stamp('09:00'), stamp('10:00')))
  await alice.put(hrefs[1]!, vevent(`${randomUUID()}@quire.test`, 'Alice call', stamp('10:30'), stamp('11:00')))
  try {
    await callMain(webMode.url, 'dav.accounts.add', {
      settings: { name: 'Bob (Radicale)', serverUrl: stack.radicaleUrl, username: 'bob', mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 300, color: '#2f6feb' },
      password: stack.users.bob.password,
    })
    await app.getByRole('link', { name: 'Calendar' }).click()
    await app.getByRole('button', { name: 'Add someone’s calendars…' }).click()
    const dialog = app.getByRole('dialog', { name: 'Add someone’s calendars' })
    await dialog.getByLabel('Email address or calendar URL').fill('alice@example.test')
    await dialog.getByRole('button', { name: 'Add', exact: true }).click()
    await expect(dialog).toBeHidden()

    const editor = await newMeeting(app, 'Quick chat', ['alice@example.test'])
    await editor.getByRole('button', { name: 'Find a time' }).click()
    const assistant = editor.getByRole('region', { name: 'Scheduling assistant' })
    const row = assistant.locator('[data-testid="schedule-row"][data-address="alice@example.test"]')
    await expect(row).toContainText('shared calendar')
    const busy = assistant.locator('[data-testid="schedule-lane"][data-address="alice@example.test"] [data-type="BUSY"]')
    await expect(busy).toHaveCount(2)
    await expect(busy.first()).toHaveAttribute('data-start', String(at('09:00')))
    await expect(busy.last()).toHaveAttribute('data-end', String(at('11:00')))
    // an hour: 09:00 and 10:00 collide with alice, 11:00 is the first free for both
    await assistant.getByRole('button', { name: 'Next time everyone is free' }).click()
    await expect(editor.getByLabel('Start time', { exact: true })).toHaveValue('11:00')
    await editor.getByRole('button', { name: 'Cancel' }).click()
  } finally {
    for (const href of hrefs) await alice.delete(href)
  }
})
