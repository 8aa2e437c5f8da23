import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalDavService } from '../../src-main/dav/caldav/caldav-service'
import type { DavAccountSource } from '../../src-main/dav/dav-sessions'
import { FreeBusyQueryUnsupported, freeBusyQuery } from '../../src-main/dav/caldav/free-busy-query'
import { createDavClient } from '../../src-main/dav/dav-client'
import { CalDavPeer, vevent } from './support/caldav-peer'

const servers = inject('servers')
const { alice, bob, carol } = servers.users
const cyrusHome = (user: string) => `${servers.cyrusDavUrl}/dav/calendars/user/${user}/`
const aliceShared = `${servers.radicaleUrl}/alice/shared/`

function bobOn(serverUrl: string): DavAccountSource & { id: AccountId } {
  const account = DavAccount.parse({ id: `bob-${randomUUID()}`, name: 'Bob', serverUrl, username: 'bob' })
  return { id: account.id, get: () => account, password: async () => bob.password, onChange: () => () => {} }
}

const at = (stamp: string) => Date.parse(stamp)
const uid = () => `${randomUUID()}@quire.test`

/** alice's day: busy 10–11, tentative 13–14, a free (transparent) lunch and a cancelled meeting that do not count */
async function aliceDay(peer: CalDavPeer, calendarUrl: string, day: string): Promise<string[]> {
  const d = day.replaceAll('-', '')
  const events = [
    vevent(uid(), 'Planning', `${d}T100000Z`, `${d}T110000Z`),
    vevent(uid(), 'Maybe', `${d}T130000Z`, `${d}T140000Z`, ['STATUS:TENTATIVE']),
    vevent(uid(), 'Lunch', `${d}T120000Z`, `${d}T130000Z`, ['TRANSP:TRANSPARENT']),
    vevent(uid(), 'Called off', `${d}T150000Z`, `${d}T160000Z`, ['STATUS:CANCELLED']),
  ]
  const hrefs: string[] = []
  for (const data of events) {
    const href = `${calendarUrl}${randomUUID()}.ics`
    await peer.put(href, data)
    hrefs.push(href)
  }
  return hrefs
}

const expectedDay = (day: string) => [
  { start: at(`${day}T10:00:00Z`), end: at(`${day}T11:00:00Z`), type: 'BUSY' },
  { start: at(`${day}T13:00:00Z`), end: at(`${day}T14:00:00Z`), type: 'BUSY-TENTATIVE' },
]

describe('free/busy look-up', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const undo of cleanup.splice(0)) await undo()
  })

  it('asks Cyrus’s scheduling outbox (RFC 6638): bob sees alice’s busy times for a day', async () => {
    const peer = new CalDavPeer(servers.cyrusDavUrl, 'alice', alice.password)
    const calendar = await peer.makeCalendar(cyrusHome('alice'))
    cleanup.push(() => peer.delete(calendar))
    await aliceDay(peer, calendar, '2031-01-15')
    const source = bobOn(servers.cyrusDavUrl)
    const service = new CalDavService(source)

    const [answer, nobody] = await service.freeBusy(source.id, {
      start: at('2031-01-15T00:00:00Z'),
      end: at('2031-01-16T00:00:00Z'),
      attendees: [
        { address: 'Alice@Example.test', calendarUrls: [] },
        { address: 'nosuchperson@example.test', calendarUrls: [] },
      ],
    })
    expect(answer).toMatchObject({ address: 'alice@example.test', source: 'schedule-outbox', problem: null, periods: expectedDay('2031-01-15') })
    expect(nobody).toMatchObject({ address: 'nosuchperson@example.test', source: null, periods: [] })
    expect(nobody!.problem).toMatch(/nosuchperson@example\.test.*scheduling/)
    service.close()
  })

  it('keeps an answer for a short while: a meeting added meanwhile shows only on the next look-up after that', async () => {
    const peer = new CalDavPeer(servers.cyrusDavUrl, 'alice', alice.password)
    const calendar = await peer.makeCalendar(cyrusHome('alice'))
    cleanup.push(() => peer.delete(calendar))
    const source = bobOn(servers.cyrusDavUrl)
    const service = new CalDavService(source)
    const request = { start: at('2031-01-20T00:00:00Z'), end: at('2031-01-21T00:00:00Z'), attendees: [{ address: 'alice@example.test', calendarUrls: [] }] }
    const [first] = await service.freeBusy(source.id, request)
    expect(first!.periods).toEqual([])
    await peer.put(`${calendar}${randomUUID()}.ics`, vevent(uid(), 'New', '20310120T090000Z', '20310120T093000Z'))
    const [cached] = await service.freeBusy(source.id, request)
    expect(cached).toEqual(first)
    // another window is another question
    const [wider] = await service.freeBusy(source.id, { ...request, end: at('2031-01-22T00:00:00Z') })
    expect(wider!.periods).toEqual([{ start: at('2031-01-20T09:00:00Z'), end: at('2031-01-20T09:30:00Z'), type: 'BUSY' }])
    service.close()
  })

  it('answers with a free-busy-query REPORT (RFC 4791 §7.10) on alice’s Cyrus calendar, which bob may read the free/busy of', async () => {
    const peer = new CalDavPeer(servers.cyrusDavUrl, 'alice', alice.password)
    const calendar = await peer.makeCalendar(cyrusHome('alice'))
    cleanup.push(() => peer.delete(calendar))
    await aliceDay(peer, calendar, '2031-01-16')
    const client = createDavClient({ serverUrl: servers.cyrusDavUrl, username: 'bob', password: bob.password }, 'caldav')
    await client.discover()

    const periods = await freeBusyQuery(client, calendar, at('2031-01-16T00:00:00Z'), at('2031-01-17T00:00:00Z'))
    expect(periods).toEqual(expectedDay('2031-01-16'))

    // through the look-up: an address the server's scheduling does not know, whose calendar bob knows
    const source = bobOn(servers.cyrusDavUrl)
    const service = new CalDavService(source)
    const [answer] = await service.freeBusy(source.id, {
      start: at('2031-01-16T00:00:00Z'),
      end: at('2031-01-17T00:00:00Z'),
      attendees: [{ address: 'alice.elsewhere@example.test', calendarUrls: [calendar] }],
    })
    expect(answer).toMatchObject({ source: 'free-busy-query', problem: null, periods: expectedDay('2031-01-16') })
    service.close()
  })

  it('does not take Radicale’s 207 answer to free-busy-query for free/busy', async () => {
    const client = createDavClient({ serverUrl: servers.radicaleUrl, username: 'bob', password: bob.password }, 'caldav')
    await client.discover()
    const peer = new CalDavPeer(servers.radicaleUrl, 'alice', alice.password)
    const hrefs = await aliceDay(peer, aliceShared, '2031-02-03')
    cleanup.push(async () => {
      for (const href of hrefs) await peer.delete(href)
    })
    await expect(freeBusyQuery(client, aliceShared, at('2031-02-03T00:00:00Z'), at('2031-02-04T00:00:00Z'))).rejects.toBeInstanceOf(FreeBusyQueryUnsupported)
  })

  it('computes busy times from the calendar alice shares with bob on Radicale, recurring events expanded', async () => {
    const peer = new CalDavPeer(servers.radicaleUrl, 'alice', alice.password)
    const hrefs = await aliceDay(peer, aliceShared, '2031-02-04')
    // a daily stand-up from the day before, in alice's zone (VTIMEZONE-less TZID: an IANA name), one instance moved
    const series = `${aliceShared}${randomUUID()}.ics`
    const seriesUid = uid()
    await peer.put(
      series,
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Quire tests//EN',
        'BEGIN:VEVENT',
        `UID:${seriesUid}`,
        'DTSTAMP:20260101T000000Z',
        'DTSTART;TZID=Europe/Berlin:20310203T083000',
        'DTEND;TZID=Europe/Berlin:20310203T084500',
        'RRULE:FREQ=DAILY;COUNT=5',
        'SUMMARY:Stand-up',
        'END:VEVENT',
        'BEGIN:VEVENT',
        `UID:${seriesUid}`,
        'DTSTAMP:20260101T000000Z',
        'RECURRENCE-ID;TZID=Europe/Berlin:20310205T083000',
        'DTSTART;TZID=Europe/Berlin:20310205T160000',
        'DTEND;TZID=Europe/Berlin:20310205T161500',
        'SUMMARY:Stand-up (late)',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    )
    hrefs.push(series)
    cleanup.push(async () => {
      for (const href of hrefs) await peer.delete(href)
    })
    const source = bobOn(servers.radicaleUrl)
    const service = new CalDavService(source)

    const [answer] = await service.freeBusy(source.id, {
      start: at('2031-02-04T00:00:00Z'),
      end: at('2031-02-06T00:00:00Z'),
      attendees: [{ address: 'alice@example.test', calendarUrls: [aliceShared] }],
    })
    expect(answer).toMatchObject({ source: 'shared-calendar', problem: null })
    // Berlin is UTC+1 in February: 08:30 there is 07:30Z
    expect(answer!.periods).toEqual([
      { start: at('2031-02-04T07:30:00Z'), end: at('2031-02-04T07:45:00Z'), type: 'BUSY' },
      ...expectedDay('2031-02-04'),
      { start: at('2031-02-05T15:00:00Z'), end: at('2031-02-05T15:15:00Z'), type: 'BUSY' },
    ])
    service.close()
  })

  it('says nobody could when no source can: carol’s calendar is not shared with bob, and Radicale has no scheduling', async () => {
    const source = bobOn(servers.radicaleUrl)
    const service = new CalDavService(source)
    const [unreadable, unknown] = await service.freeBusy(source.id, {
      start: at('2031-02-04T00:00:00Z'),
      end: at('2031-02-05T00:00:00Z'),
      attendees: [
        { address: carol.email, calendarUrls: [`${servers.radicaleUrl}/carol/calendar/`] },
        { address: 'dave@example.test', calendarUrls: [] },
      ],
    })
    expect(unreadable).toMatchObject({ address: carol.email, source: null, periods: [] })
    expect(unreadable!.problem).toMatch(/no free\/busy look-up.*may not read their shared calendar/i)
    expect(unknown).toMatchObject({ source: null })
    expect(unknown!.problem).toMatch(/none of their calendars is shared with you/)
    service.close()
  })
})
