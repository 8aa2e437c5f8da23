import 'fake-indexeddb/auto'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { inject } from 'vitest'
import { calendarContract } from '../../src-main/common/contract/calendar'
import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalDavService } from '../../src-main/dav/caldav/caldav-service'
import { invitee } from '../../src-renderer/store/calendar/attendees'
import { createObjectData, newDraft } from '../../src-renderer/store/calendar/event-edit'
import { applyReply, buildCancel, buildReply, buildRequest, mergeRequest, readItip, setMyPartstat } from '../../src-renderer/store/calendar/itip'
import { freshMessageId } from '../unit/compose-fixtures'
import { arrived, ComposeHarness } from './support/compose-harness'
import { eventually } from './support/mail-harness'
import { CalDavPeer } from './support/caldav-peer'
import { connectPeer } from './support/imap-peer'

const servers = inject('servers')
const { alice, bob, carol } = servers.users
const run = promisify(execFile)
const nameOf = (user: { email: string }) => user.email.split('@')[0]!
const ZONE = 'Europe/Berlin'
const NOW = Date.UTC(2030, 0, 10, 12)

/** Debian's python3-icalendar, an independent implementation: what it reads of our message. */
async function pythonReads(text: string): Promise<{ method: string; events: { uid: string; sequence: number; summary: string; attendees: { address: string; partstat: string }[]; recurrenceId: string | null }[] }> {
  const script = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for ev in cal.walk('VEVENT'):
    atts = ev.get('ATTENDEE') or []
    if not isinstance(atts, list): atts = [atts]
    events.append({'uid': str(ev['UID']), 'sequence': int(ev.get('SEQUENCE', 0)), 'summary': str(ev.get('SUMMARY', '')),
      'attendees': [{'address': str(a).lower().replace('mailto:', ''), 'partstat': str(a.params.get('PARTSTAT', ''))} for a in atts],
      'recurrenceId': ev['RECURRENCE-ID'].to_ical().decode() if 'RECURRENCE-ID' in ev else None})
print(json.dumps({'method': str(cal.get('METHOD', '')), 'events': events}))
`
  const child = run('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })
  child.child.stdin!.end(text)
  return JSON.parse((await child).stdout) as Awaited<ReturnType<typeof pythonReads>>
}

function meeting(uid: string): string {
  const draft = {
    ...newDraft('2030-01-15T10:00', '2030-01-15T11:00', ZONE),
    summary: 'Planung – Q1',
    location: 'Raum 1',
    reminders: [10],
    organizer: { address: alice.email, name: 'Alice' },
    attendees: [{ ...invitee(alice.email, 'Alice', 'CHAIR'), partstat: 'ACCEPTED' as const, rsvp: false }, invitee(bob.email, 'Bob'), invitee(carol.email, 'Carol')],
  }
  return createObjectData(uid, draft, NOW)
}

describe('iTIP messages Quire builds', () => {
  let compose: ComposeHarness
  let aliceId: AccountId
  let bobId: AccountId

  beforeAll(async () => {
    compose = await ComposeHarness.open(servers)
    aliceId = compose.mail.accounts.add(alice, { displayName: 'Alice' }).id
    bobId = compose.mail.accounts.add(bob, { displayName: 'Bob' }).id
  })
  afterAll(async () => {
    await compose?.close()
  })

  it('a REQUEST sent by iMIP arrives as text/calendar with the method, and both ical.js and python3-icalendar read it', async () => {
    const organiser = meeting(`${randomUUID()}@quire`)
    const request = buildRequest(organiser, NOW)
    const messageId = freshMessageId()
    const outcome = await compose.call('compose.sendItip', {
      accountId: aliceId,
      messageId,
      from: { name: 'Alice', address: alice.email },
      to: [{ name: 'Bob', address: bob.email }, { name: 'Carol', address: carol.email }],
      subject: 'Invitation: Planung – Q1',
      text: 'Alice invites you to Planung – Q1.',
      html: null,
      calendar: { method: 'REQUEST', data: request },
    })
    expect(outcome.accepted.map((a) => a.toLowerCase()).sort()).toEqual([bob.email, carol.email].sort())

    const peer = await connectPeer(servers, bob)
    try {
      const [uid] = await arrived(peer, 'INBOX', messageId)
      const lock = await peer.getMailboxLock('INBOX')
      let source: string
      try {
        const message = await peer.fetchOne(String(uid), { source: true }, { uid: true })
        source = message ? message.source!.toString() : ''
      } finally {
        lock.release()
      }
      expect(source).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i)
      expect(source).toMatch(/filename=invite\.ics/)

      // what bob's reader gets from main
      const body = await compose.mail.call('mail.body', { accountId: bobId, path: 'INBOX', uid: uid! })
      expect(body.calendar?.method).toBe('REQUEST')
      const received = body.calendar!.data
      expect(readItip(received, ZONE)).toMatchObject({ method: 'REQUEST', summary: 'Planung – Q1', location: 'Raum 1', sequence: 0, start: Date.UTC(2030, 0, 15, 9) })

      const python = await pythonReads(received)
      expect(python.method).toBe('REQUEST')
      expect(python.events).toEqual([
        expect.objectContaining({ summary: 'Planung – Q1', sequence: 0, attendees: expect.arrayContaining([{ address: bob.email, partstat: 'NEEDS-ACTION' }]) }),
      ])
    } finally {
      await peer.logout().catch(() => undefined)
    }
  })

  it('REPLY (also for one occurrence) and CANCEL parse in python3-icalendar as they do in ical.js', async () => {
    const organiser = meeting(`${randomUUID()}@quire`)
    const request = buildRequest(organiser, NOW)
    const reply = buildReply(request, bob.email, 'TENTATIVE', NOW + 1000, { comment: 'Vielleicht' })
    expect(await pythonReads(reply)).toEqual({ method: 'REPLY', events: [expect.objectContaining({ attendees: [{ address: bob.email, partstat: 'TENTATIVE' }] })] })
    expect(applyReply(organiser, reply).skipped).toBeNull()

    const weekly = organiser.replace(/(DTEND;[^\r\n]+)/, '$1\r\nRRULE:FREQ=WEEKLY;COUNT=4')
    const instanceReply = buildReply(buildRequest(weekly, NOW), bob.email, 'DECLINED', NOW + 2000, { recurrenceId: '20300122T100000' })
    const read = await pythonReads(instanceReply)
    expect(read.events[0]).toMatchObject({ recurrenceId: '20300122T100000', attendees: [{ address: bob.email, partstat: 'DECLINED' }] })

    const cancel = buildCancel(organiser, NOW + 3000, { bump: true })
    expect(await pythonReads(cancel)).toEqual({ method: 'CANCEL', events: [expect.objectContaining({ sequence: 1 })] })
  })
})

describe.each([
  { name: 'Radicale', url: servers.radicaleUrl, home: (user: string) => `${servers.radicaleUrl}/${user}/`, schedules: false },
  { name: 'Cyrus', url: servers.cyrusDavUrl, home: (user: string) => `${servers.cyrusDavUrl}/dav/calendars/user/${user}/`, schedules: true },
])('$name', ({ url, home, schedules }) => {
  const service = (user: typeof alice) => {
    const account = DavAccount.parse({ id: `itip-${randomUUID().slice(0, 8)}`, name: nameOf(user), serverUrl: url, username: nameOf(user) })
    const source = { get: () => account, password: async () => user.password, onChange: () => () => undefined }
    return { caldav: new CalDavService(source, { timeoutMs: 5000 }), id: account.id }
  }

  it('stores the organiser’s event and the attendee’s answered copy' + (schedules ? ', and schedules the answer back (RFC 6638)' : ''), async () => {
    const uid = `${randomUUID()}@quire`
    const organiser = meeting(uid)
    const alicePeer = new CalDavPeer(url, nameOf(alice), alice.password)
    const aliceCalendar = await alicePeer.makeCalendar(home(nameOf(alice)))
    const aliceHref = `${aliceCalendar}${uid.replace('@', '_')}.ics`
    expect(await alicePeer.put(aliceHref, organiser)).toBeTruthy()

    const bobPeer = new CalDavPeer(url, nameOf(bob), bob.password)
    if (!schedules) {
      const bobCalendar = await bobPeer.makeCalendar(home(nameOf(bob)))
      const copy = setMyPartstat(mergeRequest(null, buildRequest(organiser, NOW), bob.email), bob.email, 'ACCEPTED')
      const href = `${bobCalendar}${uid.replace('@', '_')}.ics`
      expect(await bobPeer.put(href, copy)).toBeTruthy()
      const stored = await bobPeer.get(href)
      expect(readItip(stored!.data, ZONE).attendees.find((a) => a.address === bob.email)?.partstat).toBe('ACCEPTED')
      return
    }
    // Cyrus delivered the invitation into bob's default calendar itself: his answer is a PUT of that copy
    const delivered = `${home(nameOf(bob))}Default/${encodeURIComponent(uid)}.ics`
    const invitation = await bobPeer.get(delivered)
    expect(invitation).not.toBeNull()
    expect(readItip(invitation!.data, ZONE).attendees.find((a) => a.address === bob.email)?.partstat).toBe('NEEDS-ACTION')
    await bobPeer.put(delivered, setMyPartstat(invitation!.data, bob.email, 'ACCEPTED'), invitation!.etag ?? undefined)
    const answered = await eventually('bob’s answer in alice’s event', async () => {
      const data = (await alicePeer.get(aliceHref))?.data
      return data && readItip(data, ZONE).attendees.find((a) => a.address === bob.email)?.partstat === 'ACCEPTED' ? data : undefined
    })
    expect(readItip(answered, ZONE).attendees.find((a) => a.address === carol.email)?.partstat).toBe('NEEDS-ACTION')
  })

  it(`says who the user is and whether the server schedules (${schedules ? 'yes' : 'no'})`, async () => {
    const { caldav, id } = service(alice)
    try {
      const scheduling = calendarContract['calendar.scheduling'].output.parse(await caldav.scheduling(id))
      expect(scheduling.serverSchedules).toBe(schedules)
      if (schedules) {
        expect(scheduling.addresses).toContain(alice.email)
        expect(scheduling.inboxUrl).toMatch(/\/dav\/calendars\/user\/alice\/Inbox\/$/)
      } else expect(scheduling.addresses).toEqual([])
    } finally {
      caldav.close()
    }
  })
})

describe('Cyrus schedule inbox (RFC 6638 §2.2)', () => {
  it('lists the invitation the server delivered to bob, and removes it once handled', async () => {
    const uid = `${randomUUID()}@quire`
    const alicePeer = new CalDavPeer(servers.cyrusDavUrl, nameOf(alice), alice.password)
    const aliceCalendar = await alicePeer.makeCalendar(`${servers.cyrusDavUrl}/dav/calendars/user/alice/`)
    await alicePeer.put(`${aliceCalendar}${uid.replace('@', '_')}.ics`, meeting(uid))

    const account = DavAccount.parse({ id: `inbox-${randomUUID().slice(0, 8)}`, name: 'bob', serverUrl: servers.cyrusDavUrl, username: 'bob' })
    const caldav = new CalDavService({ get: () => account, password: async () => bob.password, onChange: () => () => undefined }, { timeoutMs: 5000 })
    try {
      const inbox = calendarContract['calendar.inbox'].output.parse(await caldav.inbox(account.id))
      const message = inbox.find((m) => m.data.includes(uid))
      expect(message).toBeDefined()
      expect(readItip(message!.data, ZONE)).toMatchObject({ method: 'REQUEST', uid, organizer: { address: alice.email } })
      await caldav.deleteFromInbox(account.id, message!.href, message!.etag)
      expect((await caldav.inbox(account.id)).some((m) => m.data.includes(uid))).toBe(false)
      // nothing outside the inbox can be deleted through it
      await expect(caldav.deleteFromInbox(account.id, `${servers.cyrusDavUrl}/dav/calendars/user/bob/Default/x.ics`, null)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    } finally {
      caldav.close()
    }
  })
})
