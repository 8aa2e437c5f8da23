import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { inject } from 'vitest'
import { contract, QuireError } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalDavService } from '../../src-main/dav/caldav/caldav-service'
import type { DavAccountSource } from '../../src-main/dav/dav-sessions'
import { calendarHandlers } from '../../src-main/dav/caldav/calendar-handlers'
import { CalendarWatch } from '../../src-main/dav/caldav/calendar-watch'
import { SharedCalendarSources } from '../../src-main/dav/caldav/shared-calendar-sources'
import { messagePortEndpoint, type PortLike } from '../../src-main/rpc/message-port-endpoint'
import { createRouter } from '../../src-main/rpc/router'
import { createClient } from '../../src-renderer/rpc/client'
import { fromMessagePort } from '../../src-renderer/rpc/message-port-connection'
import { CalendarActions } from '../../src-renderer/store/calendar/calendar-actions'
import { CalendarDatabase } from '../../src-renderer/store/calendar/calendar-database'
import { CalendarSync } from '../../src-renderer/store/calendar/calendar-sync'
import { parsedRow } from '../../src-renderer/store/calendar/event-row'
import { expandObject } from '../../src-renderer/store/calendar/ical-object'
import { CalDavPeer, vevent } from './support/caldav-peer'

const servers = inject('servers')
type User = 'alice' | 'bob' | 'carol'

function accountOf(serverUrl: string, user: User): DavAccountSource & { id: AccountId } {
  const account = DavAccount.parse({ id: `shared-${user}`, name: user, serverUrl, username: user })
  return { id: account.id, get: () => account, password: async () => servers.users[user].password, onChange: () => () => {} }
}

const uid = () => `${randomUUID()}@quire.test`

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work
  } catch (error) {
    if (error instanceof QuireError) return error.code
    throw error
  }
  return 'none'
}

describe('shared calendars on Radicale (rights file: alice/shared read-only to bob and carol, bob/team read-write to carol)', () => {
  const base = servers.radicaleUrl
  const alicePeer = new CalDavPeer(base, 'alice', servers.users.alice.password)
  const bobPeer = new CalDavPeer(base, 'bob', servers.users.bob.password)
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'quire-shared-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('bob adds alice by her address: he sees her "shared" calendar read-only under her name, not her private one, and again after a restart', async () => {
    const file = join(dir, 'bob.json')
    const bob = accountOf(base, 'bob')
    const service = new CalDavService(bob, { shared: await SharedCalendarSources.open(file) })
    const added = await service.addShared(bob.id, 'Alice@Example.test')
    expect(added.owner).toEqual({ name: null, address: 'alice@example.test', principalUrl: `${base}/alice/` })
    expect(added.calendars.map((c) => c.url)).toEqual([`${base}/alice/shared/`])
    expect(added.calendars[0]).toMatchObject({ readOnly: true, owner: added.owner })

    // a fresh start reads what was added from the file
    const restarted = new CalDavService(bob, { shared: await SharedCalendarSources.open(file) })
    const calendars = await restarted.list(bob.id)
    const shared = calendars.find((c) => c.url === `${base}/alice/shared/`)
    expect(shared).toMatchObject({ readOnly: true, owner: { address: 'alice@example.test', principalUrl: `${base}/alice/` } })
    expect(calendars.map((c) => c.url)).not.toContain(`${base}/alice/calendar/`)
    // his own calendars have no owner
    expect(calendars.find((c) => c.url === `${base}/bob/calendar/`)).toMatchObject({ owner: null, readOnly: false })

    // and it syncs like his own
    const event = `${base}/alice/shared/${randomUUID()}.ics`
    await alicePeer.put(event, vevent(uid(), 'Alice’s offsite', '20300301T090000Z', '20300301T100000Z'))
    const changes = await restarted.changes(bob.id, `${base}/alice/shared/`, null)
    expect(changes.kind === 'full' && changes.items.map((i) => i.href)).toContain(event)
    const fetched = await restarted.fetch(bob.id, `${base}/alice/shared/`, [event])
    expect(fetched.objects[0]?.data).toContain('Alice’s offsite')

    await restarted.removeShared(bob.id, { principalUrl: `${base}/alice/` })
    expect((await restarted.list(bob.id)).map((c) => c.url)).not.toContain(`${base}/alice/shared/`)
    const again = new CalDavService(bob, { shared: await SharedCalendarSources.open(file) })
    expect((await again.list(bob.id)).map((c) => c.url)).not.toContain(`${base}/alice/shared/`)
  })

  it('a write by bob to alice’s read-only calendar is refused with FORBIDDEN naming the owner, and her event is untouched', async () => {
    const bob = accountOf(base, 'bob')
    const service = new CalDavService(bob)
    await service.addShared(bob.id, 'alice@example.test')
    const href = `${base}/alice/shared/${randomUUID()}.ics`
    const original = vevent(uid(), 'Board meeting', '20300302T090000Z', '20300302T100000Z')
    const etag = await alicePeer.put(href, original)

    const change = service.put(bob.id, `${base}/alice/shared/`, href, etag, original.replace('Board meeting', 'Cancelled by bob'))
    await expect(change).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/alice@example\.test doesn’t let you change events in “shared”/) })
    const created = service.put(bob.id, `${base}/alice/shared/`, `${base}/alice/shared/${randomUUID()}.ics`, null, vevent(uid(), 'Sneaked in', '20300302T110000Z', '20300302T120000Z'))
    expect(await codeOf(created)).toBe('FORBIDDEN')
    expect(await codeOf(service.delete(bob.id, `${base}/alice/shared/`, href, etag))).toBe('FORBIDDEN')

    const stored = await alicePeer.get(href)
    expect(stored?.data).toContain('Board meeting')
    expect(stored?.etag).toBe(etag)
  })

  it('carol adds bob by his principal URL: his "team" calendar is writable, her change reaches the server and bob sees it', async () => {
    const carol = accountOf(base, 'carol')
    const service = new CalDavService(carol)
    const added = await service.addShared(carol.id, `${base}/bob/`)
    expect(added.calendars.map((c) => c.url)).toEqual([`${base}/bob/team/`])
    expect(added.calendars[0]).toMatchObject({ readOnly: false, owner: { principalUrl: `${base}/bob/` } })

    const href = `${base}/bob/team/${randomUUID()}.ics`
    const etag = await bobPeer.put(href, vevent(uid(), 'Team sync', '20300303T090000Z', '20300303T100000Z'))
    const stored = await service.put(carol.id, `${base}/bob/team/`, href, etag, (await bobPeer.get(href))!.data.replace('Team sync', 'Team sync (moved by carol)'))
    expect(stored.etag).toBeTruthy()
    expect((await bobPeer.get(href))?.data).toContain('Team sync (moved by carol)')
  })

  it('a calendar URL adds just that calendar, with its owner from DAV:owner', async () => {
    const carol = accountOf(base, 'carol')
    const service = new CalDavService(carol)
    const added = await service.addShared(carol.id, `${base}/alice/shared/`)
    expect(added.calendars).toHaveLength(1)
    expect(added.calendars[0]).toMatchObject({ url: `${base}/alice/shared/`, readOnly: true, owner: { principalUrl: `${base}/alice/` } })
    expect((await service.list(carol.id)).find((c) => c.url === `${base}/alice/shared/`)?.owner?.principalUrl).toBe(`${base}/alice/`)
  })

  it('says clearly when nothing is found or nothing is shared, and never sends the password elsewhere', async () => {
    const bob = accountOf(base, 'bob')
    const service = new CalDavService(bob)
    // carol shares nothing with bob: her principal is there, her calendars are not readable
    await expect(service.addShared(bob.id, 'carol@example.test')).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/has not shared any calendar with you/) })
    await expect(service.addShared(bob.id, 'nobody@example.test')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await codeOf(service.addShared(bob.id, `${base}/alice/calendar/`))).toBe('FORBIDDEN')
    expect(await codeOf(service.addShared(bob.id, 'https://elsewhere.example/alice/'))).toBe('BAD_INPUT')
    expect(await codeOf(service.addShared(bob.id, 'bob@example.test'))).toBe('BAD_INPUT')
    // nothing of that was kept
    expect((await service.list(bob.id)).every((c) => c.owner === null)).toBe(true)
  })
})

/** The renderer's calendar store for one user, against the real main service over a MessagePort. */
async function storeFor(serverUrl: string, user: User) {
  const account = DavAccount.parse({ id: `store-${user}-${randomUUID().slice(0, 8)}`, name: user, serverUrl, username: user })
  const source = { list: () => [account], get: () => account, password: async () => servers.users[user].password, onChange: () => () => {} }
  const caldav = new CalDavService(source)
  const watch = new CalendarWatch(source)
  const handlers = {
    ...calendarHandlers({ caldav, watch, passwords: { davPassword: source.password, mailPassword: source.password }, clientOptions: {} }),
    'dav.accounts.changed': (_input: unknown, emit: (accounts: DavAccount[]) => void) => (emit([account]), () => {}),
  }
  const names = ['calendar.list', 'calendar.addShared', 'calendar.removeShared', 'calendar.changes', 'calendar.fetch', 'calendar.put', 'calendar.delete', 'calendar.watch', 'dav.accounts.test', 'dav.accounts.changed'] as const
  const router = createRouter(handlers as never, { validateOutput: true }, Object.fromEntries(names.map((n) => [n, contract[n]])))
  const { port1, port2 } = new MessageChannel()
  router.connect(messagePortEndpoint(port1 as unknown as PortLike))
  const client = createClient(fromMessagePort(port2 as unknown as Parameters<typeof fromMessagePort>[0]))
  const db = new CalendarDatabase(`caldav-shared-${randomUUID()}`)
  const sync = new CalendarSync(client, db, { tasks: { retryBaseMs: 100, retryMaxMs: 400 } })
  const actions = new CalendarActions(db, sync.tasks)
  await sync.start()
  await sync.idle()
  return {
    accountId: account.id as AccountId,
    client,
    db,
    sync,
    actions,
    close() {
      sync.stop()
      watch.close()
      caldav.close()
      client.close()
      db.close()
    },
  }
}

describe('the calendar store with a shared calendar (Radicale)', () => {
  const base = servers.radicaleUrl
  const alicePeer = new CalDavPeer(base, 'alice', servers.users.alice.password)

  it('keeps the owner on the stored calendar; a change the server refuses reverts and tells bob alice does not let him change it', async () => {
    const href = `${base}/alice/shared/${randomUUID()}.ics`
    await alicePeer.put(href, vevent(uid(), 'Alice’s review', '20300310T090000Z', '20300310T100000Z'))
    const store = await storeFor(base, 'bob')
    try {
      await store.client.call('calendar.addShared', { accountId: store.accountId, who: 'alice@example.test' })
      await store.sync.syncAccount(store.accountId)
      const calendar = await store.db.calendars.get([store.accountId, `${base}/alice/shared/`])
      expect(calendar).toMatchObject({ readOnly: true, owner: { address: 'alice@example.test', principalUrl: `${base}/alice/` } })
      const row = await store.db.events.get([store.accountId, `${base}/alice/shared/`, href])
      expect(row?.summary).toBe('Alice’s review')

      // the UI offers no way to do this; the store must still handle the server saying no
      const ref = { accountId: store.accountId, calendarUrl: `${base}/alice/shared/`, href }
      const [occurrence] = expandObject(parsedRow(row!)!, { from: Date.UTC(2030, 2, 1), to: Date.UTC(2030, 3, 1), zone: 'UTC' })
      await store.actions.move(ref, occurrence!, '2030-03-10T13:00:00', '2030-03-10T14:00:00', false, 'UTC', 'all')
      await expect.poll(async () => (await store.db.notices.toArray()).map((n) => n.text)).toEqual([
        expect.stringMatching(/Couldn’t save “Alice’s review”\. alice@example\.test doesn’t let you change events in “shared”/),
      ])
      const reverted = await store.db.events.get([store.accountId, `${base}/alice/shared/`, href])
      expect(reverted).toMatchObject({ pending: 0 })
      expect(reverted?.data).toMatch(/DTSTART:20300310T090000Z/)
      expect((await alicePeer.get(href))?.data).toMatch(/DTSTART:20300310T090000Z/)
      expect(await store.db.tasks.count()).toBe(0)
    } finally {
      store.close()
    }
  })
})

describe('shared calendars on Cyrus', () => {
  const base = servers.cyrusDavUrl
  const alicePeer = new CalDavPeer(base, 'alice', servers.users.alice.password)
  const aliceHome = `${base}/dav/calendars/user/alice/`
  let calendarUrl: string

  beforeAll(async () => {
    calendarUrl = await alicePeer.makeCalendar(aliceHome)
    // Cyrus refuses ACLs naming one user (403 recognized-principal): every signed-in user may read it.
    // A WebDAV ACL replaces the whole list, so the owner's own entry goes first.
    const acl =
      '<?xml version="1.0" encoding="utf-8"?><D:acl xmlns:D="DAV:">' +
      '<D:ace><D:principal><D:self/></D:principal><D:grant><D:privilege><D:all/></D:privilege></D:grant></D:ace>' +
      '<D:ace><D:principal><D:authenticated/></D:principal><D:grant><D:privilege><D:read/></D:privilege></D:grant></D:ace></D:acl>'
    const response = await fetch(calendarUrl, {
      method: 'ACL',
      body: acl,
      headers: { Authorization: `Basic ${Buffer.from(`alice:${servers.users.alice.password}`).toString('base64')}`, 'Content-Type': 'application/xml' },
    })
    expect(response.status).toBe(200)
  })
  afterAll(async () => {
    await alicePeer.delete(calendarUrl)
  })

  it('bob adds the URL of a calendar alice lets everyone read: read-only, owned by alice, and his writes are refused', async () => {
    const bob = accountOf(base, 'bob')
    const service = new CalDavService(bob)
    const added = await service.addShared(bob.id, calendarUrl)
    expect(added.calendars).toHaveLength(1)
    const [calendar] = added.calendars
    expect(calendar).toMatchObject({ readOnly: true, owner: { principalUrl: `${base}/dav/principals/user/alice/` } })
    expect((await service.list(bob.id)).map((c) => c.url)).toContain(calendar!.url)

    const href = `${calendar!.url}${randomUUID()}.ics`
    expect(await codeOf(service.put(bob.id, calendar!.url, href, null, vevent(uid(), 'Not allowed', '20300304T090000Z', '20300304T100000Z')))).toBe('FORBIDDEN')
    expect(await alicePeer.list(calendarUrl)).toEqual([])
  })

  it('alice’s principal is closed to bob: adding her by address is FORBIDDEN, not a silent empty list', async () => {
    const bob = accountOf(base, 'bob')
    const service = new CalDavService(bob)
    expect(await codeOf(service.addShared(bob.id, 'alice@example.test'))).toBe('FORBIDDEN')
  })
})
