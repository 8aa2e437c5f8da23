import type { Page } from '@playwright/test'
import { CalDavPeer } from '../integration/support/caldav-peer'
import type { ServersEnv, TestUserName } from '../servers/harness'
import { readItip } from '../../src-renderer/store/calendar/itip'
import { accountSettings, addAccount, emptyMailbox, expect, imapPeer, row, test } from './support/mail-fixtures'
import { callMain } from './support/main-rpc.mjs'
import { screenshotBothThemes } from './support/screenshots'
import { startWebMode, type WebMode } from './web-mode'

test.describe.configure({ mode: 'serial', timeout: 240_000 })

/** The user's Radicale calendar, emptied: this spec owns alice's and bob's `calendar`. */
async function calendarOf(stack: ServersEnv, name: TestUserName) {
  const peer = new CalDavPeer(stack.radicaleUrl, name, stack.users[name].password)
  const calendarUrl = `${stack.radicaleUrl}/${name}/calendar/`
  for (const url of [calendarUrl, `${stack.radicaleUrl}/${name}/${name === 'alice' ? 'shared' : 'team'}/`]) for (const href of await peer.list(url)) await peer.delete(href)
  return { peer, calendarUrl }
}

/** The mail account and, linked to it, the Radicale account: a person with mail and a calendar. */
async function setUp(webMode: WebMode, stack: ServersEnv, name: TestUserName) {
  await addAccount(webMode, stack, name)
  const accounts = await callMain(webMode.url, 'accounts.list', {})
  const mail = accounts.find((a) => a.email === stack.users[name].email)!
  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name: `${name} calendar`, serverUrl: stack.radicaleUrl, username: name, mailAccountId: mail.id, calendars: true, contacts: false, syncIntervalSeconds: 30, color: '#1f883d' },
  })
}

/** The one event in a calendar on the server, read. */
async function onlyEvent(peer: CalDavPeer, calendarUrl: string) {
  const hrefs = await peer.list(calendarUrl)
  if (hrefs.length !== 1) return null
  const data = (await peer.get(hrefs[0]!))?.data
  return data ? { data, event: readItip(data, 'UTC') } : null
}

const statusOf = async (peer: CalDavPeer, calendarUrl: string, address: string) => (await onlyEvent(peer, calendarUrl))?.event.attendees.find((a) => a.address === address)?.partstat ?? null

function watchProblems(page: Page, problems: string[]) {
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`bob's page: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`bob's page: ${error.message}`))
  page.on('dialog', (dialog) => {
    problems.push(`bob's page dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
}

test('alice invites bob and carol by iMIP; bob accepts, alice sees it; alice moves the meeting and bob’s copy follows; alice cancels and bob’s copy goes', async ({ app, webMode, stack, problems }) => {
  const { alice, bob, carol } = stack.users
  for (const user of [alice, bob, carol]) await emptyMailbox(stack, user)
  const aliceCal = await calendarOf(stack, 'alice')
  const bobCal = await calendarOf(stack, 'bob')

  // two Quire instances: alice's (the fixture's) and bob's, each with its own data
  const bobWeb = await startWebMode({ env: { NODE_EXTRA_CA_CERTS: stack.caCertPath } })
  const bobPage = await app.context().newPage()
  watchProblems(bobPage, problems)
  try {
    await setUp(webMode, stack, 'alice')
    await setUp(bobWeb, stack, 'bob')
    await bobPage.goto(bobWeb.url)

    // alice creates the meeting with bob and carol
    await app.getByRole('link', { name: 'Calendar' }).click()
    await app.getByRole('button', { name: 'Week', exact: true }).click()
    await expect(app.getByRole('button', { name: 'New event' })).toBeEnabled({ timeout: 30_000 })
    await app.getByRole('button', { name: 'New event' }).click()
    const editor = app.getByRole('dialog', { name: 'New event' })
    await editor.getByLabel('Title').fill('Design review')
    await editor.getByLabel('Start time', { exact: true }).fill('10:00')
    await editor.getByLabel('End time', { exact: true }).fill('11:00')
    await editor.getByLabel('Location').fill('Room 4')
    const attendees = editor.getByRole('combobox', { name: 'Attendees' })
    for (const user of [bob, carol]) {
      await attendees.fill(user.email)
      await attendees.press('Enter')
    }
    await expect(editor.getByRole('list', { name: 'Invited' }).getByRole('listitem')).toHaveCount(2)
    await editor.getByRole('button', { name: 'Save' }).click()
    await expect(editor).toBeHidden()
    await expect.poll(async () => (await onlyEvent(aliceCal.peer, aliceCal.calendarUrl))?.event.organizer?.address ?? null, { timeout: 30_000 }).toBe(alice.email)
    const organised = (await onlyEvent(aliceCal.peer, aliceCal.calendarUrl))!.event
    expect(organised.attendees.map((a) => [a.address, a.partstat])).toEqual([
      [alice.email, 'ACCEPTED'],
      [bob.email, 'NEEDS-ACTION'],
      [carol.email, 'NEEDS-ACTION'],
    ])

    // carol's mailbox gets it too (real SMTP → IMAP)
    const carolPeer = await imapPeer(stack, carol)
    try {
      await expect
        .poll(async () => {
          const box = await carolPeer.mailboxOpen('INBOX')
          if (box.exists === 0) return []
          return (await carolPeer.fetchAll('1:*', { envelope: true })).map((m) => m.envelope?.subject ?? '')
        }, { timeout: 60_000 })
        .toContainEqual(expect.stringMatching(/^Invitation: Design review/))
    } finally {
      await carolPeer.logout()
    }

    // bob's Quire: the invitation card, and Accept
    await row(bobPage, /Invitation: Design review/).click({ timeout: 60_000 })
    const card = bobPage.getByRole('region', { name: 'Invitation: Design review' })
    await expect(card).toBeVisible()
    await expect(card).toContainText('Invitation from Alice')
    await expect(card).toContainText('Room 4')
    await expect(card).toContainText('Free at that time')
    await screenshotBothThemes(bobPage, 'calendar-invitation-card')
    await card.getByPlaceholder('Add a comment (optional)').fill('See you there')
    await card.getByRole('button', { name: 'Accept' }).click()
    await expect(card.getByRole('status')).toContainText('You accepted, and your answer was sent.', { timeout: 30_000 })
    await expect.poll(() => statusOf(bobCal.peer, bobCal.calendarUrl, bob.email), { timeout: 30_000 }).toBe('ACCEPTED')

    // alice's Quire reads bob's REPLY: her event shows bob as accepted
    await app.getByRole('link', { name: 'Mail' }).click()
    await row(app, /Accepted: Design review/).click({ timeout: 60_000 })
    const reply = app.getByRole('region', { name: 'Invitation: Design review' })
    await expect(reply).toContainText('Bob accepted')
    await expect(reply).toContainText('See you there')
    await expect(reply.getByRole('status')).toContainText('Your event was updated with this answer.')
    await expect.poll(() => statusOf(aliceCal.peer, aliceCal.calendarUrl, bob.email), { timeout: 30_000 }).toBe('ACCEPTED')
    await app.getByRole('link', { name: 'Calendar' }).click()
    const grid = app.getByRole('region', { name: 'Calendar', exact: true })
    await grid.locator('.ec-event', { hasText: 'Design review' }).click()
    const edit = app.getByRole('dialog', { name: 'Edit event' })
    await expect(edit.getByRole('list', { name: 'Invited' }).getByRole('listitem').filter({ hasText: 'bob@example.test' })).toContainText('Accepted')

    // alice moves the meeting to 14:00: bob sees what changed, and his copy moves
    await edit.getByLabel('Start time', { exact: true }).fill('14:00')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect(edit).toBeHidden()
    await expect.poll(async () => (await onlyEvent(aliceCal.peer, aliceCal.calendarUrl))?.event.sequence ?? null, { timeout: 30_000 }).toBe(1)
    await bobPage.getByRole('option', { name: /Updated invitation: Design review/ }).click({ timeout: 60_000 })
    const update = bobPage.getByRole('region', { name: 'Invitation: Design review' })
    await expect(update).toContainText('Updated invitation')
    await expect(update).toContainText(/Time changed from .*10:00.* to .*(14:00|2:00 PM)/)
    await screenshotBothThemes(bobPage, 'calendar-invitation-update')
    await expect.poll(async () => (await onlyEvent(bobCal.peer, bobCal.calendarUrl))?.data ?? '', { timeout: 30_000 }).toMatch(/DTSTART[^:\r\n]*:\d{8}T140000/)

    // alice deletes it and agrees to send the cancellation; bob removes his copy
    await grid.locator('.ec-event', { hasText: 'Design review' }).click()
    await app.getByRole('dialog', { name: 'Edit event' }).getByRole('button', { name: 'Delete' }).click()
    const ask = app.getByRole('alert', { name: 'Send cancellation for Design review?' })
    await expect(ask).toContainText('Send a cancellation to bob@example.test, carol@example.test?')
    await ask.getByRole('button', { name: 'Send cancellation' }).click()
    await expect(ask).toBeHidden({ timeout: 30_000 })
    await bobPage.getByRole('option', { name: /Cancelled: Design review/ }).click({ timeout: 60_000 })
    const cancel = bobPage.getByRole('region', { name: 'Invitation: Design review' })
    await expect(cancel).toContainText('Alice cancelled this meeting')
    await cancel.getByRole('button', { name: 'Remove from my calendar' }).click()
    await cancel.getByRole('button', { name: 'Remove', exact: true }).click()
    await expect(cancel.getByRole('status')).toContainText('Removed from your calendar.')
    await expect.poll(async () => (await bobCal.peer.list(bobCal.calendarUrl)).length, { timeout: 30_000 }).toBe(0)
  } finally {
    await bobPage.close()
    await bobWeb.stop()
  }
})

test('on a server that schedules (Cyrus, RFC 6638) saving is enough: bob answers from his Invitations panel and alice’s event shows it', async ({ app, webMode, stack, problems }) => {
  const { alice, bob } = stack.users
  const title = `Cyrus sync ${Date.now()}`
  const cyrus = (name: TestUserName) => ({
    peer: new CalDavPeer(stack.cyrusDavUrl, name, stack.users[name].password),
    calendarUrl: `${stack.cyrusDavUrl}/dav/calendars/user/${name}/Default/`,
  })
  const aliceCal = cyrus('alice')
  const bobCal = cyrus('bob')
  const addCyrus = (web: WebMode, name: TestUserName) =>
    callMain(web.url, 'dav.accounts.add', {
      settings: { name: `${name} on Cyrus`, serverUrl: stack.cyrusDavUrl, username: name, mailAccountId: null, calendars: true, contacts: false, syncIntervalSeconds: 30, color: '#8250df' },
      password: stack.users[name].password,
    })
  const findByTitle = async (calendar: ReturnType<typeof cyrus>) => {
    for (const href of await calendar.peer.list(calendar.calendarUrl)) {
      const data = (await calendar.peer.get(href))?.data ?? ''
      if (data.includes(`SUMMARY:${title}`)) return readItip(data, 'UTC')
    }
    return null
  }

  const bobWeb = await startWebMode({ env: { NODE_EXTRA_CA_CERTS: stack.caCertPath } })
  const bobPage = await app.context().newPage()
  watchProblems(bobPage, problems)
  try {
    await addCyrus(webMode, 'alice')
    await addCyrus(bobWeb, 'bob')

    await app.getByRole('link', { name: 'Calendar' }).click()
    await expect(app.getByRole('button', { name: 'New event' })).toBeEnabled({ timeout: 30_000 })
    await app.getByRole('button', { name: 'New event' }).click()
    const editor = app.getByRole('dialog', { name: 'New event' })
    await editor.getByLabel('Title').fill(title)
    const attendees = editor.getByRole('combobox', { name: 'Attendees' })
    await attendees.fill(bob.email)
    await attendees.press('Enter')
    await editor.getByRole('button', { name: 'Save' }).click()
    await expect(editor).toBeHidden()
    // the organiser is who Cyrus says alice is (calendar-user-address-set): no mail account needed, none sent
    await expect.poll(async () => (await findByTitle(aliceCal))?.organizer?.address ?? null, { timeout: 30_000 }).toBe(alice.email)
    await expect(app.getByText(/Sending the invitation|was not sent/)).toHaveCount(0)

    await bobPage.goto(bobWeb.url)
    await bobPage.getByRole('link', { name: 'Calendar' }).click()
    const panel = bobPage.getByRole('region', { name: 'Invitations' })
    const card = panel.getByRole('region', { name: `Invitation: ${title}` })
    await expect(card).toBeVisible({ timeout: 30_000 })
    await expect(card).toContainText(`Invitation from ${alice.email}`)
    await screenshotBothThemes(bobPage, 'calendar-invitations-panel')
    await card.getByRole('button', { name: 'Accept' }).click()
    await expect(card).toBeHidden({ timeout: 30_000 })
    await expect.poll(async () => (await findByTitle(bobCal))?.attendees.find((a) => a.address === bob.email)?.partstat ?? null, { timeout: 30_000 }).toBe('ACCEPTED')
    // Cyrus sent bob's REPLY to alice itself
    await expect.poll(async () => (await findByTitle(aliceCal))?.attendees.find((a) => a.address === bob.email)?.partstat ?? null, { timeout: 30_000 }).toBe('ACCEPTED')
  } finally {
    await bobPage.close()
    await bobWeb.stop()
  }
})

test('an invitation that cannot be sent says so and goes out with Retry once the mail server is reachable', async ({ app, webMode, stack }) => {
  const { bob } = stack.users
  await emptyMailbox(stack, bob)
  const aliceCal = await calendarOf(stack, 'alice')
  // alice's outgoing server points at a closed port: submission fails
  const settings = accountSettings(stack, 'alice')
  const account = await callMain(webMode.url, 'accounts.add', { settings: { ...settings, smtp: { ...settings.smtp, port: 9 } }, password: stack.users.alice.password })
  await callMain(webMode.url, 'dav.accounts.add', {
    settings: { name: 'alice calendar', serverUrl: stack.radicaleUrl, username: 'alice', mailAccountId: account.id, calendars: true, contacts: false, syncIntervalSeconds: 30, color: '#1f883d' },
  })

  await app.getByRole('link', { name: 'Calendar' }).click()
  await expect(app.getByRole('button', { name: 'New event' })).toBeEnabled({ timeout: 30_000 })
  await app.getByRole('button', { name: 'New event' }).click()
  const editor = app.getByRole('dialog', { name: 'New event' })
  await editor.getByLabel('Title').fill('Retry review')
  await editor.getByRole('combobox', { name: 'Attendees' }).fill(bob.email)
  await editor.getByRole('combobox', { name: 'Attendees' }).press('Enter')
  await editor.getByRole('button', { name: 'Save' }).click()
  await expect.poll(async () => (await onlyEvent(aliceCal.peer, aliceCal.calendarUrl))?.event.summary ?? null, { timeout: 30_000 }).toBe('Retry review')

  const failed = app.getByRole('alert').filter({ hasText: 'The invitation for “Retry review” to bob@example.test was not sent' })
  await expect(failed).toBeVisible({ timeout: 60_000 })
  await screenshotBothThemes(app, 'calendar-invitation-send-failed')

  await callMain(webMode.url, 'accounts.update', { id: account.id, settings })
  await failed.getByRole('button', { name: 'Retry' }).click()
  await expect(failed).toBeHidden({ timeout: 60_000 })
  const peer = await imapPeer(stack, bob)
  try {
    await expect
      .poll(async () => {
        const box = await peer.mailboxOpen('INBOX')
        if (box.exists === 0) return []
        return (await peer.fetchAll('1:*', { envelope: true })).map((m) => m.envelope?.subject ?? '')
      }, { timeout: 60_000 })
      .toContainEqual(expect.stringMatching(/^Invitation: Retry review/))
  } finally {
    await peer.logout()
  }
})
