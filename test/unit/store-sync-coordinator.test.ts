import 'fake-indexeddb/auto'
import type { QuireDatabase } from '../../src-renderer/store/database'
import { accountId, header, storeOnFakeMain, stopStores, type FakeMain } from './store-fake-main'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 5, 1)

afterEach(stopStores)

function cached(db: QuireDatabase, path: string): Promise<number[]> {
  return db.messages
    .where({ accountId, path })
    .toArray()
    .then((rows) => rows.map((row) => row.uid))
}

function firstSyncOrder(main: FakeMain): string[] {
  const paths = main.callsOf('mail.sync').map((input) => (input as { path: string }).path)
  return [...new Set(paths)]
}

const headers = (count: number, fields: Parameters<typeof header>[0] = {}) => Array.from({ length: count }, () => header(fields))

/** A store whose INBOX on main holds `count` messages, synced. */
async function syncedInbox(count: number) {
  const store = storeOnFakeMain()
  store.main.folder('INBOX')
  store.main.deliver('INBOX', headers(count))
  await store.coordinator.start()
  await store.coordinator.idle()
  return store
}

describe('sync coordinator', () => {
  it('mirrors accounts and folders, then syncs every selectable folder: INBOX, special-use, the rest', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('Projects')
    main.folder('Sent', { specialUse: 'sent' })
    main.folder('INBOX', { specialUse: 'inbox' })
    main.folder('Archive', { specialUse: 'archive' })
    main.folder('[Gmail]', { selectable: false })
    main.deliver('INBOX', headers(8))
    main.deliver('Sent', headers(2))
    main.deliver('Archive', headers(1))
    main.deliver('Projects', headers(3))

    await coordinator.start()
    await coordinator.idle()

    expect(await db.accounts.get(accountId)).toMatchObject({ name: 'Work' })
    expect(firstSyncOrder(main)).toEqual(['INBOX', 'Sent', 'Archive', 'Projects'])
    expect(await cached(db, 'INBOX')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(await cached(db, 'Projects')).toEqual([1, 2, 3])
    // 3 newest by sync, then the older 5 by backfill, 2 at a time
    expect(main.callsOf('mail.backfill').filter((input) => (input as { path: string }).path === 'INBOX')).toHaveLength(3)
    expect(await db.folders.get([accountId, '[Gmail]'])).toMatchObject({ syncEnabled: false })
    expect(coordinator.progress.of(accountId)).toMatchObject({ foldersTotal: 4, foldersDone: 4, messagesCached: 14, error: null })
    expect(coordinator.progress.of(accountId)?.folders['INBOX']).toEqual({ state: 'done', cached: 8, error: null })
  })

  it('publishes progress to subscribers as it goes', async () => {
    const { main, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.deliver('INBOX', headers(7))
    const seen: number[] = []
    coordinator.progress.subscribe((progress) => seen.push(progress.get(accountId)?.messagesCached ?? 0))

    await coordinator.start()
    await coordinator.idle()

    expect(seen[0]).toBe(0)
    expect(seen).toContain(3)
    expect(seen.at(-1)).toBe(7)
  })

  it('keeps the user’s sync settings when folders refresh, and drops removed folders with their messages', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.folder('Lists')
    main.folder('Old')
    main.deliver('Old', headers(2))
    await coordinator.start()
    await coordinator.idle()
    await coordinator.setFolderSync(accountId, 'Lists', { syncEnabled: false })
    await coordinator.setFolderSync(accountId, 'INBOX', { syncSinceDays: 90 })

    main.removeFolder('Old')
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'folders' })
    await coordinator.idle()

    expect(await db.folders.get([accountId, 'Lists'])).toMatchObject({ syncEnabled: false })
    expect(await db.folders.get([accountId, 'INBOX'])).toMatchObject({ syncEnabled: true, syncSinceDays: 90 })
    expect(await db.folders.get([accountId, 'Old'])).toBeUndefined()
    expect(await cached(db, 'Old')).toEqual([])
    expect(await db.cursors.get([accountId, 'Old'])).toBeUndefined()
    expect(coordinator.progress.of(accountId)?.foldersTotal).toBe(1)
  })

  it('backfills only as far back as the folder’s sync window, and further when it widens', async () => {
    const { main, db, coordinator } = storeOnFakeMain({ now: () => NOW })
    const inbox = main.folder('INBOX')
    main.deliver('INBOX', [...headers(4, { internalDate: NOW - 100 * DAY }), ...headers(5, { internalDate: NOW - 2 * DAY })])
    // the user chose 30 days before this folder first synced
    await db.folders.put({ ...inbox.folder, accountId, syncEnabled: true, syncSinceDays: 30 })

    await coordinator.start()
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([5, 6, 7, 8, 9])
    expect(main.callsOf('mail.backfill')).toContainEqual(expect.objectContaining({ since: NOW - 30 * DAY }))

    await coordinator.setFolderSync(accountId, 'INBOX', { syncSinceDays: null })
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])

    await coordinator.setFolderSync(accountId, 'INBOX', { syncSinceDays: 7 })
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([5, 6, 7, 8, 9])
  })

  it('asks for each batch of older mail once, the first while the other folders sync, also with a sync window and a moving clock', async () => {
    let clock = NOW
    const { main, db, coordinator } = storeOnFakeMain({ now: () => (clock += 1000) })
    const inbox = main.folder('INBOX')
    main.folder('Sent', { specialUse: 'sent' })
    main.deliver('INBOX', headers(9, { internalDate: NOW - 2 * DAY }))
    main.deliver('Sent', headers(2))
    await db.folders.put({ ...inbox.folder, accountId, syncEnabled: true, syncSinceDays: 30 })

    await coordinator.start()
    await coordinator.idle()

    expect(await cached(db, 'INBOX')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    // 3 newest by sync, then 6 older ones 2 at a time: three batches, each asked for once
    const inboxBackfills = main.calls.filter((c) => c.name === 'mail.backfill' && (c.input as { path: string }).path === 'INBOX')
    expect(inboxBackfills.map((c) => (c.input as { cursor: { oldestUid: number } }).cursor.oldestUid)).toEqual([7, 5, 3])
    // the first one went out before Sent's sync, right after INBOX's own
    const order = main.calls.map((c) => `${c.name} ${(c.input as { path?: string }).path ?? ''}`)
    expect(order.indexOf('mail.backfill INBOX')).toBeLessThan(order.indexOf('mail.sync Sent'))
  })

  it('syncs a folder at once when main reports a change, one sync running and one queued for a burst', async () => {
    const { main, db, coordinator } = await syncedInbox(0)
    const before = main.callsOf('mail.sync').length

    const release = main.hold('mail.sync')
    main.deliver('INBOX', headers(1))
    for (let i = 0; i < 10; i++) main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'exists' })
    await vi.waitFor(() => expect(main.callsOf('mail.sync').length).toBe(before + 1))
    main.deliver('INBOX', headers(1))
    for (let i = 0; i < 10; i++) main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'exists' })
    release()
    await coordinator.idle()

    expect(main.callsOf('mail.sync').length).toBe(before + 2)
    expect(await cached(db, 'INBOX')).toEqual([1, 2])
  })

  it('goes on with the other folders when one fails, and shows the failure', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.folder('Sent', { specialUse: 'sent' })
    main.deliver('INBOX', headers(1))
    main.deliver('Sent', headers(2))
    main.failNext('mail.sync', { code: 'TIMEOUT', message: 'The server did not answer in time.', retryable: true })

    await coordinator.start()
    await coordinator.idle()

    expect(await cached(db, 'Sent')).toEqual([1, 2])
    expect(await cached(db, 'INBOX')).toEqual([])
    expect(coordinator.progress.of(accountId)?.folders['INBOX']).toMatchObject({ state: 'error', error: 'The server did not answer in time.' })

    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'exists' })
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([1])
    expect(coordinator.progress.of(accountId)?.folders['INBOX']).toMatchObject({ error: null })
  })

  it('loses nothing when a sync fails between batches: the cursor stays with the last batch written', async () => {
    const { main, db, coordinator } = await syncedInbox(2)

    main.deliver('INBOX', headers(7))
    main.failNext('mail.sync', { code: 'OFFLINE', message: 'You are offline.', retryable: true }, 1)
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'exists' })
    await coordinator.idle()
    // new mail comes newest first: the first batch (7–9) is stored, and its cursor says 3–6 are still to come
    expect(await cached(db, 'INBOX')).toEqual([1, 2, 7, 8, 9])
    expect(await db.cursors.get([accountId, 'INBOX'])).toMatchObject({ uidNext: 10, unfetched: { from: 3, to: 6 } })

    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'reconnect' })
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    const cursor = await db.cursors.get([accountId, 'INBOX'])
    expect(cursor).toMatchObject({ uidNext: 10 })
    expect(cursor?.unfetched).toBeUndefined()
  })

  it('follows flag changes and expunges made elsewhere', async () => {
    const { main, db, coordinator } = await syncedInbox(3)

    main.setFlags('INBOX', 1, ['\\Seen'])
    main.expunge('INBOX', [2])
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'flags' })
    await coordinator.idle()

    expect(await cached(db, 'INBOX')).toEqual([1, 3])
    expect(await db.messages.get([accountId, 'INBOX', 1])).toMatchObject({ unread: 0 })
  })

  it('writes nothing after stop, and the next start continues from the stored cursor', async () => {
    const { main, db, coordinator, name } = await syncedInbox(2)

    const release = main.hold('mail.sync')
    main.deliver('INBOX', headers(2))
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'exists' })
    await vi.waitFor(() => expect(main.callsOf('mail.sync').length).toBeGreaterThan(1))
    coordinator.stop()
    release()
    await coordinator.idle()
    expect(await cached(db, 'INBOX')).toEqual([1, 2])

    const next = storeOnFakeMain({}, main, name)
    await next.coordinator.start()
    await next.coordinator.idle()
    expect(await cached(next.db, 'INBOX')).toEqual([1, 2, 3, 4])
    expect(main.callsOf('mail.sync').at(-1)).toMatchObject({ cursor: expect.objectContaining({ uidNext: 3 }) })
  })

  it('forgets an account main no longer lists, with everything cached for it', async () => {
    const { main, db, coordinator } = await syncedInbox(2)

    main.accounts = []
    main.emit('accounts.changed', [])
    await coordinator.idle()

    expect(await db.accounts.count()).toBe(0)
    expect(await db.folders.count()).toBe(0)
    expect(await db.messages.count()).toBe(0)
    expect(await db.cursors.count()).toBe(0)
    expect(coordinator.progress.of(accountId)).toBeUndefined()
  })
})

describe('bodies ahead of reading', () => {
  it('fetches the bodies of the account’s download window, newest first, and none older', async () => {
    const store = storeOnFakeMain({ now: () => NOW })
    store.main.accounts = [{ ...store.main.accounts[0]!, prefetchDays: 30 }]
    store.main.folder('INBOX')
    store.main.deliver('INBOX', [
      header({ subject: 'last week', internalDate: NOW - 7 * DAY }),
      header({ subject: 'yesterday', internalDate: NOW - DAY }),
      header({ subject: 'last year', internalDate: NOW - 365 * DAY }),
    ])
    await store.coordinator.start()
    await store.coordinator.idle()
    const bodies = await store.db.bodies.toArray()
    expect(bodies.map((b) => b.text).sort()).toEqual(['Body of last week', 'Body of yesterday'])
    const asked = store.main.callsOf('mail.body').map((input) => (input as { uid: number }).uid)
    expect(asked).toHaveLength(2)
    // newest first
    const uids = (await store.db.messages.toArray()).sort((a, b) => b.internalDate - a.internalDate).map((m) => m.uid)
    expect(asked).toEqual(uids.slice(0, 2))
  })

  it('fetches none with a window of 0 days, and stops when main is offline', async () => {
    const none = storeOnFakeMain({ now: () => NOW })
    none.main.accounts = [{ ...none.main.accounts[0]!, prefetchDays: 0 }]
    none.main.folder('INBOX')
    none.main.deliver('INBOX', [header({ internalDate: NOW - DAY })])
    await none.coordinator.start()
    await none.coordinator.idle()
    expect(none.main.callsOf('mail.body')).toEqual([])

    const offline = storeOnFakeMain({ now: () => NOW })
    offline.main.folder('INBOX')
    offline.main.deliver('INBOX', [header({ internalDate: NOW - DAY }), header({ internalDate: NOW - 2 * DAY })])
    offline.main.failNext('mail.body', { code: 'OFFLINE', message: 'offline', retryable: true })
    await offline.coordinator.start()
    await offline.coordinator.idle()
    expect(offline.main.callsOf('mail.body')).toHaveLength(1)
    expect(await offline.db.bodies.count()).toBe(0)
  })
})
