import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'
import { MessageChannel } from 'node:worker_threads'
import { inject } from 'vitest'
import { contract } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CalDavService } from '../../src-main/dav/caldav/caldav-service'
import { calendarHandlers } from '../../src-main/dav/caldav/calendar-handlers'
import { CalendarWatch } from '../../src-main/dav/caldav/calendar-watch'
import { messagePortEndpoint, type PortLike } from '../../src-main/rpc/message-port-endpoint'
import { createRouter } from '../../src-main/rpc/router'
import { createClient } from '../../src-renderer/rpc/client'
import { fromMessagePort } from '../../src-renderer/rpc/message-port-connection'
import { CalendarActions } from '../../src-renderer/store/calendar/calendar-actions'
import { CalendarDatabase } from '../../src-renderer/store/calendar/calendar-database'
import { CalendarSync } from '../../src-renderer/store/calendar/calendar-sync'
import { draftOf, newDraft } from '../../src-renderer/store/calendar/event-edit'
import { parsedRow } from '../../src-renderer/store/calendar/event-row'
import { expandObject } from '../../src-renderer/store/calendar/ical-object'
import { occurrencesBetween } from '../../src-renderer/store/calendar/occurrence-query'
import { CalDavPeer, vevent } from './support/caldav-peer'

const servers = inject('servers')
const ZONE = 'Europe/Berlin'
const WINDOW = { from: Date.UTC(2030, 0, 1), to: Date.UTC(2030, 2, 1) }

/** A TCP forwarder in front of a DAV server that can go down and come back on the same port: the network, for offline tests. */
class Link {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  port = 0

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target)
      this.sockets.add(client).add(upstream)
      client.pipe(upstream).pipe(client)
      const drop = () => (client.destroy(), upstream.destroy(), this.sockets.delete(client), this.sockets.delete(upstream))
      client.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server = undefined
  }
}

const calendarServers = [
  { name: 'Radicale', url: servers.radicaleUrl, home: (base: string) => `${base}/alice/` },
  { name: 'Cyrus', url: servers.cyrusDavUrl, home: (base: string) => `${base}/dav/calendars/user/alice/` },
]

/** The renderer's calendar store against the real main service, over a MessagePort, as in Electron. */
async function storeFor(serverUrl: string) {
  const account = DavAccount.parse({ id: `store-${randomUUID().slice(0, 8)}`, name: 'Alice', serverUrl, username: 'alice', syncIntervalSeconds: 30 })
  const listeners = new Set<(accounts: DavAccount[]) => void>()
  const source = { list: () => [account], get: () => account, password: async () => servers.users.alice.password, onChange: (l: (a: DavAccount[]) => void) => (listeners.add(l), () => listeners.delete(l)) }
  const caldav = new CalDavService(source, { timeoutMs: 3000 })
  const watch = new CalendarWatch(source)
  const handlers = {
    ...calendarHandlers({ caldav, watch, passwords: { davPassword: source.password, mailPassword: source.password }, clientOptions: {} }),
    'dav.accounts.changed': (_input: unknown, emit: (accounts: DavAccount[]) => void) => {
      emit([account])
      listeners.add(emit)
      return () => listeners.delete(emit)
    },
  }
  const names = ['calendar.list', 'calendar.changes', 'calendar.fetch', 'calendar.put', 'calendar.delete', 'calendar.watch', 'dav.accounts.test', 'dav.accounts.changed'] as const
  const subset = Object.fromEntries(names.map((n) => [n, contract[n]]))
  const router = createRouter(handlers as never, { validateOutput: true }, subset)
  const { port1, port2 } = new MessageChannel()
  router.connect(messagePortEndpoint(port1 as unknown as PortLike))
  const client = createClient(fromMessagePort(port2 as unknown as Parameters<typeof fromMessagePort>[0]))
  const db = new CalendarDatabase(`caldav-store-${randomUUID()}`)
  const sync = new CalendarSync(client, db, { tasks: { retryBaseMs: 100, retryMaxMs: 400 } })
  const actions = new CalendarActions(db, sync.tasks)
  await sync.start()
  await sync.idle()
  return {
    accountId: account.id as AccountId,
    db,
    sync,
    actions,
    async close() {
      sync.stop()
      watch.close()
      caldav.close()
      client.close()
      db.close()
    },
  }
}

type Store = Awaited<ReturnType<typeof storeFor>>

/** What the views would show of one calendar (the account has others, from other tests). */
async function summaries(store: Store, calendarUrl: string): Promise<string[]> {
  return (await occurrencesBetween(store.db, WINDOW.from, WINDOW.to, ZONE, { includeHidden: true }))
    .filter((o) => o.calendarUrl === calendarUrl)
    .map((o) => o.summary)
    .sort()
}

/** Waits until the store has sent everything it queued. */
async function drained(store: Store): Promise<void> {
  for (let i = 0; i < 200 && (await store.db.tasks.count()) > 0; i++) await new Promise((r) => setTimeout(r, 25))
  expect(await store.db.tasks.count()).toBe(0)
  await store.sync.idle()
}

describe.each(calendarServers)('the calendar store against $name', ({ url, home }) => {
  const peer = new CalDavPeer(url, 'alice', servers.users.alice.password)
  let store: Store | undefined
  const made: string[] = []
  afterEach(async () => {
    await store?.close()
    store = undefined
    // the stack is shared: leave alice's calendar home as it was
    for (const calendarUrl of made.splice(0)) await peer.delete(calendarUrl)
  })

  /** A fresh calendar on the server and a store that has synced it. */
  async function setup(serverUrl = url) {
    const calendarUrl = await peer.makeCalendar(home(url))
    made.push(calendarUrl)
    store = await storeFor(serverUrl)
    const storeCalendarUrl = `${serverUrl.replace(/\/$/, '')}${new URL(calendarUrl).pathname}`
    return { calendarUrl, storeCalendarUrl, store }
  }

  it('pulls what others change on the server: added, changed and removed events', async () => {
    const { calendarUrl, storeCalendarUrl, store } = await setup()
    const href = `${calendarUrl}${randomUUID()}.ics`
    const uid = `${randomUUID()}@elsewhere`
    await peer.put(href, vevent(uid, 'Made elsewhere', '20300115T100000Z', '20300115T110000Z', ['X-FROM-ELSEWHERE:kept']))
    await store.sync.syncCalendar(store.accountId, storeCalendarUrl)
    expect(await summaries(store, storeCalendarUrl)).toEqual(['Made elsewhere'])
    // the raw text is kept as the server has it: unknown properties survive
    expect((await store.db.events.filter((r) => r.calendarUrl === storeCalendarUrl).first())?.data).toContain('X-FROM-ELSEWHERE:kept')

    await peer.put(href, vevent(uid, 'Changed elsewhere', '20300115T100000Z', '20300115T110000Z'))
    await store.sync.syncCalendar(store.accountId, storeCalendarUrl)
    expect(await summaries(store, storeCalendarUrl)).toEqual(['Changed elsewhere'])

    await peer.delete(href)
    await store.sync.syncCalendar(store.accountId, storeCalendarUrl)
    expect(await summaries(store, storeCalendarUrl)).toEqual([])
    const calendar = await store.db.calendars.get([store.accountId, storeCalendarUrl])
    expect(calendar?.cursor?.syncToken).toBeTruthy()
  })

  it('create, edit, move and delete reach the server, checked with a separate HTTP client', async () => {
    const { calendarUrl, storeCalendarUrl, store } = await setup()
    const ref = await store.actions.create(store.accountId, storeCalendarUrl, { ...newDraft('2030-01-20T10:00', '2030-01-20T11:00', ZONE), summary: 'Planning', location: 'Room 1', reminders: [10] })
    await drained(store)
    const serverHref = `${calendarUrl}${ref.href.slice(storeCalendarUrl.length)}`
    const created = await peer.get(serverHref)
    expect(created?.data).toContain('SUMMARY:Planning')
    expect(created?.data).toMatch(/DTSTART;TZID=Europe\/Berlin:20300120T100000/)

    const row = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
    const [occurrence] = expandObject(parsedRow(row)!, { ...WINDOW, zone: ZONE })
    await store.actions.update(ref, occurrence!, { ...draftOf(parsedRow(row)!, occurrence!, 'all'), summary: 'Planning (edited)' }, 'all')
    await drained(store)
    expect((await peer.get(serverHref))?.data).toContain('SUMMARY:Planning (edited)')

    const moved = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
    const [current] = expandObject(parsedRow(moved)!, { ...WINDOW, zone: ZONE })
    await store.actions.move(ref, current!, '2030-01-21T15:00:00', '2030-01-21T16:30:00', false, ZONE, 'all')
    await drained(store)
    expect((await peer.get(serverHref))?.data).toMatch(/DTSTART;TZID=Europe\/Berlin:20300121T150000/)
    expect((await peer.get(serverHref))?.data).toMatch(/DTEND;TZID=Europe\/Berlin:20300121T163000/)

    const last = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
    const [toDelete] = expandObject(parsedRow(last)!, { ...WINDOW, zone: ZONE })
    await store.actions.delete(ref, toDelete!, 'all')
    await drained(store)
    expect(await peer.get(serverHref)).toBeNull()
    expect(await summaries(store, storeCalendarUrl)).toEqual([])
  })

  it('an edit of an event changed on the server since the last sync is a conflict that loses neither version', async () => {
    const { calendarUrl, storeCalendarUrl, store } = await setup()
    const href = `${calendarUrl}${randomUUID()}.ics`
    const uid = `${randomUUID()}@elsewhere`
    await peer.put(href, vevent(uid, 'Original', '20300115T100000Z', '20300115T110000Z'))
    await store.sync.syncCalendar(store.accountId, storeCalendarUrl)
    const ref = { accountId: store.accountId, calendarUrl: storeCalendarUrl, href: `${storeCalendarUrl}${href.slice(calendarUrl.length)}` }

    // someone else edits; Quire has not synced that yet
    await peer.put(href, vevent(uid, 'Theirs', '20300115T120000Z', '20300115T130000Z'))
    const row = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
    const [occurrence] = expandObject(parsedRow(row)!, { ...WINDOW, zone: ZONE })
    await store.actions.update(ref, occurrence!, { ...draftOf(parsedRow(row)!, occurrence!, 'all'), summary: 'Mine' }, 'all')
    for (let i = 0; i < 200 && !(await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))?.conflict; i++) await new Promise((r) => setTimeout(r, 25))

    const conflicted = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
    expect(conflicted.conflict?.data).toContain('SUMMARY:Theirs')
    expect(conflicted.data).toContain('SUMMARY:Mine')
    expect((await peer.get(href))?.data).toContain('SUMMARY:Theirs')
    // a sync meanwhile does not overwrite the local version either
    await store.sync.syncCalendar(store.accountId, storeCalendarUrl)
    expect((await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))?.data).toContain('SUMMARY:Mine')

    await store.actions.resolveConflict(ref, 'mine')
    await drained(store)
    expect((await peer.get(href))?.data).toContain('SUMMARY:Mine')
    expect((await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))?.conflict).toBeNull()
  })

  it('offline edits queue in order and apply after reconnect', async () => {
    const link = new Link({ host: '127.0.0.1', port: Number(new URL(url).port) })
    await link.up()
    try {
      const { calendarUrl, storeCalendarUrl, store } = await setup(`http://127.0.0.1:${link.port}`)
      await link.down()
      const ref = await store.actions.create(store.accountId, storeCalendarUrl, { ...newDraft('2030-02-03T09:00', '2030-02-03T09:30', ZONE), summary: 'Written offline' })
      const row = (await store.db.events.get([ref.accountId, ref.calendarUrl, ref.href]))!
      const [occurrence] = expandObject(parsedRow(row)!, { ...WINDOW, zone: ZONE })
      await store.actions.update(ref, occurrence!, { ...draftOf(parsedRow(row)!, occurrence!, 'all'), summary: 'Written offline then edited' }, 'all')
      const second = await store.actions.create(store.accountId, storeCalendarUrl, { ...newDraft('2030-02-04T09:00', '2030-02-04T09:30', ZONE), summary: 'Created and deleted offline' })
      const secondRow = (await store.db.events.get([second.accountId, second.calendarUrl, second.href]))!
      const [secondOccurrence] = expandObject(parsedRow(secondRow)!, { ...WINDOW, zone: ZONE })
      await store.actions.delete(second, secondOccurrence!, 'all')
      // the views show the changes at once; the server has none of them
      expect(await summaries(store, storeCalendarUrl)).toEqual(['Written offline then edited'])
      for (let i = 0; i < 100 && !(await store.db.tasks.toArray()).some((t) => t.attempts > 0); i++) await new Promise((r) => setTimeout(r, 25))
      const waiting = await store.db.tasks.toArray()
      expect(waiting.length).toBeGreaterThan(0)
      expect(waiting[0]?.lastError).toBeTruthy()
      expect(await peer.list(calendarUrl)).toEqual([])

      await link.up()
      await store.sync.tasks.retryNow()
      await drained(store)
      const onServer = await peer.list(calendarUrl)
      expect(onServer).toHaveLength(1)
      expect((await peer.get(onServer[0]!))?.data).toContain('SUMMARY:Written offline then edited')
    } finally {
      await link.down()
    }
  })
})
