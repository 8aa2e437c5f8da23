import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { QuireError } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import type { CalendarChanges } from '../../src-main/common/domain/calendar'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalDavService } from '../../src-main/dav/caldav/caldav-service'
import type { DavAccountSource } from '../../src-main/dav/dav-sessions'
import { collectionChanges } from '../../src-main/dav/collection-changes'
import { createDavClient } from '../../src-main/dav/dav-client'
import { CalDavPeer, vevent } from './support/caldav-peer'

const servers = inject('servers')
const alice = { username: 'alice', password: servers.users.alice.password }

/** The two CalDAV servers Quire is tested against, each with where alice's calendars live. */
const calendarServers = [
  { name: 'Radicale', serverUrl: servers.radicaleUrl, home: `${servers.radicaleUrl}/alice/`, defaultCalendar: 'calendar' },
  { name: 'Cyrus', serverUrl: servers.cyrusDavUrl, home: `${servers.cyrusDavUrl}/dav/calendars/user/alice/`, defaultCalendar: 'Default' },
]

function accountSource(serverUrl: string, password = alice.password): DavAccountSource & { id: AccountId } {
  const account = DavAccount.parse({ id: 'caldav-test', name: 'Test', serverUrl, username: alice.username })
  return { id: account.id, get: () => account, password: async () => password, onChange: () => () => {} }
}

const uid = () => `${randomUUID()}@quire.test`

function hrefsOf(changes: CalendarChanges): string[] {
  if (changes.kind === 'full') return changes.items.map((i) => i.href).sort()
  if (changes.kind === 'delta') return changes.changed.map((i) => i.href).sort()
  return []
}

describe.each(calendarServers)('CalDAV against $name', ({ serverUrl, home, defaultCalendar }) => {
  const peer = new CalDavPeer(serverUrl, alice.username, alice.password)
  const made: string[] = []
  const makeCalendar = async () => {
    const url = await peer.makeCalendar(home)
    made.push(url)
    return url
  }
  // the stack is shared: leave alice's calendar home as it was
  afterEach(async () => {
    for (const url of made.splice(0)) await peer.delete(url)
  })

  it('discovers the calendar home from the bare server address and lists writable VEVENT calendars only', async () => {
    const source = accountSource(serverUrl)
    const service = new CalDavService(source)
    const calendars = await service.list(source.id)
    const names = calendars.map((c) => new URL(c.url).pathname.split('/').filter(Boolean).at(-1))
    expect(names).toContain(defaultCalendar)
    // the scheduling inbox/outbox (Cyrus) and address books (Radicale) are not calendars
    expect(names).not.toContain('Inbox')
    expect(names).not.toContain('contacts')
    const calendar = calendars.find((c) => c.url.endsWith(`/${defaultCalendar}/`))!
    expect(calendar).toMatchObject({ readOnly: false, syncCollection: true })
    expect(calendar.components).toContain('VEVENT')
  })

  it('syncs with sync-collection: a full listing first, then only what changed, then what was removed', async () => {
    const calendarUrl = await makeCalendar()
    const source = accountSource(serverUrl)
    const service = new CalDavService(source)
    await service.list(source.id)
    const first = `${calendarUrl}${randomUUID()}.ics`
    await peer.put(first, vevent(uid(), 'First', '20300115T100000Z', '20300115T110000Z'))

    const initial = await service.changes(source.id, calendarUrl, null)
    expect(initial.kind).toBe('full')
    expect(hrefsOf(initial)).toEqual([first])
    expect(initial.cursor.syncToken).toBeTruthy()
    const fetched = await service.fetch(source.id, calendarUrl, [first])
    expect(fetched.missing).toEqual([])
    expect(fetched.objects[0]?.data).toContain('SUMMARY:First')

    expect((await service.changes(source.id, calendarUrl, initial.cursor)).kind).toBe('unchanged')

    const second = `${calendarUrl}${randomUUID()}.ics`
    await peer.put(second, vevent(uid(), 'Second', '20300116T100000Z', '20300116T110000Z'))
    const delta = await service.changes(source.id, calendarUrl, initial.cursor)
    expect(delta.kind).toBe('delta')
    expect(hrefsOf(delta)).toEqual([second])

    await peer.delete(first)
    const removal = await service.changes(source.id, calendarUrl, delta.cursor)
    expect(removal).toMatchObject({ kind: 'delta', changed: [], removed: [first] })
    expect((await service.fetch(source.id, calendarUrl, [first, second])).missing).toEqual([first])
  })

  it('falls back to CTag and ETags when a calendar has no sync-collection, and starts over after a bad sync-token', async () => {
    const calendarUrl = await makeCalendar()
    const client = createDavClient({ serverUrl, ...alice }, 'caldav')
    await client.discover()
    const href = `${calendarUrl}${randomUUID()}.ics`
    const id = uid()
    await peer.put(href, vevent(id, 'Ctag', '20300115T100000Z', '20300115T110000Z'))

    const listing = await collectionChanges(client, { url: calendarUrl, syncCollection: false }, null)
    expect(listing).toMatchObject({ kind: 'full', cursor: { syncToken: null } })
    expect(hrefsOf(listing)).toEqual([href])
    expect(listing.cursor.ctag).toBeTruthy()
    expect((await collectionChanges(client, { url: calendarUrl, syncCollection: false }, listing.cursor)).kind).toBe('unchanged')
    await peer.put(href, vevent(id, 'Ctag changed', '20300115T100000Z', '20300115T110000Z'))
    expect((await collectionChanges(client, { url: calendarUrl, syncCollection: false }, listing.cursor)).kind).toBe('full')

    const fresh = await collectionChanges(client, { url: calendarUrl, syncCollection: true }, { syncToken: `${listing.cursor.ctag}-not-a-token`, ctag: null })
    expect(fresh.kind).toBe('full')
    expect(hrefsOf(fresh)).toEqual([href])
  })

  it('creates, replaces and deletes with preconditions; a stale version is a CONFLICT carrying the server’s copy', async () => {
    const calendarUrl = await makeCalendar()
    const source = accountSource(serverUrl)
    const service = new CalDavService(source)
    await service.list(source.id)
    const id = uid()
    const href = `${calendarUrl}${randomUUID()}.ics`

    const created = await service.put(source.id, calendarUrl, href, null, vevent(id, 'Created by Quire', '20300115T100000Z', '20300115T110000Z'))
    expect(created.etag).toBeTruthy()
    expect((await peer.get(href))?.data).toContain('SUMMARY:Created by Quire')
    // If-None-Match: * — a second create of the same name must not overwrite
    await expect(service.put(source.id, calendarUrl, href, null, vevent(id, 'Again', '20300115T100000Z', '20300115T110000Z'))).rejects.toMatchObject({ code: 'CONFLICT' })

    const edited = await service.put(source.id, calendarUrl, href, created.etag, vevent(id, 'Edited by Quire', '20300115T100000Z', '20300115T110000Z'))
    expect((await peer.get(href))?.data).toContain('SUMMARY:Edited by Quire')

    // someone else edits; Quire's edit based on the old version must not overwrite theirs
    await peer.put(href, vevent(id, 'Edited elsewhere', '20300115T120000Z', '20300115T130000Z'))
    const conflict = await service.put(source.id, calendarUrl, href, edited.etag, vevent(id, 'Mine', '20300115T100000Z', '20300115T110000Z')).catch((e: unknown) => e)
    expect(conflict).toBeInstanceOf(QuireError)
    expect((conflict as QuireError).code).toBe('CONFLICT')
    const current = (conflict as QuireError).details?.current as { etag: string; data: string }
    expect(current.data).toContain('SUMMARY:Edited elsewhere')
    expect((await peer.get(href))?.data).toContain('SUMMARY:Edited elsewhere')

    await expect(service.delete(source.id, calendarUrl, href, edited.etag)).rejects.toMatchObject({ code: 'CONFLICT' })
    await service.delete(source.id, calendarUrl, href, current.etag)
    expect(await peer.get(href)).toBeNull()
    // deleting what is already gone is not an error
    await service.delete(source.id, calendarUrl, href, current.etag)
  })

  it('refuses URLs off the account’s server, so the password goes nowhere else', async () => {
    const source = accountSource(serverUrl)
    const service = new CalDavService(source)
    await service.list(source.id)
    await expect(service.fetch(source.id, 'http://127.0.0.1:9/x/', ['http://127.0.0.1:9/x/y.ics'])).rejects.toMatchObject({ code: 'BAD_INPUT' })
    await expect(service.put(source.id, `${home}${defaultCalendar}/`, 'http://127.0.0.1:9/x.ics', null, 'x')).rejects.toMatchObject({ code: 'BAD_INPUT' })
  })

  it('a wrong password is AUTH_FAILED', async () => {
    const source = accountSource(serverUrl, 'wrong-password')
    await expect(new CalDavService(source).list(source.id)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
  })
})
