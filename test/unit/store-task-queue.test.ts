import 'fake-indexeddb/auto'
import type { MailTask } from '../../src-main/common/domain/mail'
import type { QuireDatabase } from '../../src-renderer/store/database'
import { accountId, header, storeOnFakeMain, stopStores, type FakeMain } from './store-fake-main'

afterEach(stopStores)

const offline = { code: 'OFFLINE', message: 'You are offline.', retryable: true } as const

/** A store synced with INBOX (three messages, the first titled "Quarterly numbers") and Archive. */
async function syncedStore(options: Parameters<typeof storeOnFakeMain>[0] = {}) {
  const store = storeOnFakeMain(options)
  store.main.folder('INBOX')
  store.main.folder('Archive', { specialUse: 'archive' })
  store.main.deliver('INBOX', [header({ subject: 'Quarterly numbers' }), header(), header()])
  await store.coordinator.start()
  await store.coordinator.idle()
  return store
}

const row = (db: QuireDatabase, path: string, uid: number) => db.messages.get([accountId, path, uid])
const appliedKinds = (main: FakeMain) => main.callsOf('mail.apply').map((input) => (input as { task: MailTask }).task.kind)

describe('task queue', () => {
  it('shows a change at once, sends it, and syncs the folder once main applied it', async () => {
    const { main, db, coordinator } = await syncedStore()
    const release = main.hold('mail.apply')

    await coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [1], add: ['\\Seen'], remove: [] })
    expect(await row(db, 'INBOX', 1)).toMatchObject({ unread: 0, flags: ['\\Seen'] })
    expect(await db.tasks.count()).toBe(1)

    release()
    await vi.waitFor(async () => expect(await db.tasks.count()).toBe(0))
    expect(main.messages('INBOX')[0]?.flags).toEqual(['\\Seen'])
    await coordinator.idle()
    expect(await row(db, 'INBOX', 1)).toMatchObject({ unread: 0, modseq: expect.any(String) })
  })

  it('removes a moved message from its folder at once; the destination gets it on its next sync', async () => {
    const { main, db, coordinator } = await syncedStore()
    const release = main.hold('mail.apply')

    await coordinator.tasks.enqueue(accountId, { kind: 'move', path: 'INBOX', uids: [2], to: 'Archive' })
    expect(await row(db, 'INBOX', 2)).toBeUndefined()
    expect(await db.messages.where({ accountId, path: 'Archive' }).count()).toBe(0)

    release()
    await vi.waitFor(async () => expect(await db.messages.where({ accountId, path: 'Archive' }).count()).toBe(1))
    expect(await row(db, 'INBOX', 2)).toBeUndefined()
  })

  it('puts a refused change back and tells the user which message and why', async () => {
    const { main, db, coordinator } = await syncedStore()
    main.failNext('mail.apply', { code: 'NOT_FOUND', message: 'The message was deleted on the server.', retryable: false })

    await coordinator.tasks.enqueue(accountId, { kind: 'move', path: 'INBOX', uids: [1], to: 'Archive' })
    await vi.waitFor(async () => expect(await db.notices.count()).toBe(1))

    expect(await row(db, 'INBOX', 1)).toMatchObject({ subject: 'Quarterly numbers' })
    expect(await db.tasks.count()).toBe(0)
    const [notice] = await db.notices.toArray()
    expect(notice).toMatchObject({ accountId, read: 0 })
    expect(notice?.text).toBe('Couldn’t move “Quarterly numbers” to Archive. The message was deleted on the server.')
  })

  it('reverts only what a refused flag change changed', async () => {
    const { main, db, coordinator } = await syncedStore()
    main.failNext('mail.apply', { code: 'QUOTA_EXCEEDED', message: 'The mailbox is full.', retryable: false })
    const release = main.hold('mail.apply')
    await coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [1, 2], add: ['\\Flagged'], remove: [] })
    // meanwhile another client marks message 2 read
    main.setFlags('INBOX', 2, ['\\Seen'])
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'flags' })
    await coordinator.idle()

    release()
    await vi.waitFor(async () => expect(await db.notices.count()).toBe(1))
    expect(await row(db, 'INBOX', 1)).toMatchObject({ flags: [], flagged: 0 })
    expect(await row(db, 'INBOX', 2)).toMatchObject({ flags: ['\\Seen'], flagged: 0, unread: 0 })
    expect((await db.notices.toArray())[0]?.text).toBe('Couldn’t flag “Quarterly numbers” and 1 more. The mailbox is full.')
  })

  it('keeps a change through a sync that brings the server’s older state', async () => {
    const { main, db, coordinator } = await syncedStore()
    const release = main.hold('mail.apply')
    await coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [1], add: ['\\Seen'], remove: [] })
    await coordinator.tasks.enqueue(accountId, { kind: 'move', path: 'INBOX', uids: [3], to: 'Archive' })

    main.setFlags('INBOX', 1, ['\\Flagged'])
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'flags' })
    await coordinator.idle()
    expect(await row(db, 'INBOX', 1)).toMatchObject({ flags: ['\\Flagged', '\\Seen'], unread: 0, flagged: 1 })

    // a batch that brings the moved message again (here backfill, told to fetch everything once more)
    // must not bring it back either
    const backfills = main.callsOf('mail.backfill').length
    await db.cursors.update([accountId, 'INBOX'], { oldestUid: 99, backfillDone: false })
    await coordinator.syncAccount(accountId)
    await coordinator.idle()
    expect(main.callsOf('mail.backfill').length).toBeGreaterThan(backfills)
    expect(await row(db, 'INBOX', 2)).toBeDefined()
    expect(await row(db, 'INBOX', 3)).toBeUndefined()
    release()
  })

  it('keeps a task that failed in a way that may pass, retrying with backoff and in order', async () => {
    const { main, db, coordinator } = await syncedStore({ tasks: { retryBaseMs: 100 } })
    main.failNext('mail.apply', offline)
    main.failNext('mail.apply', offline)

    await coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [1], add: ['\\Seen'], remove: [] })
    await coordinator.tasks.enqueue(accountId, { kind: 'move', path: 'INBOX', uids: [2], to: 'Archive' })
    await vi.waitFor(async () => expect((await db.tasks.toArray())[0]).toMatchObject({ attempts: 1, lastError: 'You are offline.' }), { interval: 5 })
    await vi.waitFor(async () => expect(await db.tasks.count()).toBe(0))

    expect(appliedKinds(main)).toEqual(['flags', 'flags', 'flags', 'move'])
    const at = main.calls.filter((call) => call.name === 'mail.apply').map((call) => call.at)
    // the second retry waits twice as long as the first (timers may fire a ms early)
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(99)
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(199)
    expect(main.messages('INBOX').map((h) => h.uid)).toEqual([1, 3])
  })

  it('retries at once when main reports the account online again', async () => {
    const { main, db, coordinator } = await syncedStore({ tasks: { retryBaseMs: 60_000 } })
    main.failNext('mail.apply', offline)
    await coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [1], add: ['\\Seen'], remove: [] })
    await vi.waitFor(async () => expect((await db.tasks.toArray())[0]).toMatchObject({ attempts: 1 }))

    main.emit('mail.status', { accountId, state: 'online', error: null, folderErrors: [], nextPollAt: null })
    await vi.waitFor(async () => expect(await db.tasks.count()).toBe(0))
    expect(main.messages('INBOX')[0]?.flags).toEqual(['\\Seen'])
  })

  it('resumes the tasks of a previous session', async () => {
    const first = await syncedStore()
    first.coordinator.stop()
    await first.coordinator.tasks.enqueue(accountId, { kind: 'flags', path: 'INBOX', uids: [2], add: ['\\Flagged'], remove: [] })
    await first.coordinator.tasks.enqueue(accountId, { kind: 'expunge', path: 'INBOX', uids: [3] })
    expect(appliedKinds(first.main)).toEqual([])

    const reloaded = storeOnFakeMain({}, first.main, first.name)
    expect(await row(reloaded.db, 'INBOX', 2)).toMatchObject({ flagged: 1 })
    await reloaded.coordinator.start()
    await vi.waitFor(async () => expect(await reloaded.db.tasks.count()).toBe(0))

    expect(appliedKinds(first.main)).toEqual(['flags', 'expunge'])
    expect(first.main.messages('INBOX').map((h) => [h.uid, h.flags])).toEqual([
      [1, []],
      [2, ['\\Flagged']],
    ])
  })
})
