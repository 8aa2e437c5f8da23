import 'fake-indexeddb/auto'
import type { QuireDatabase } from '../../src-renderer/store/database'
import { MissingFolderError, type MessageRef } from '../../src-renderer/store/mail-actions'
import { accountId, header, storeOnFakeMain, stopStores, type FakeMain } from './store-fake-main'

afterEach(stopStores)

/** A synced account with INBOX (4 messages, the last one read), Trash, Archive and Junk. */
async function mailbox(options: { archive?: boolean; retryBaseMs?: number } = {}) {
  const store = storeOnFakeMain(options.retryBaseMs ? { tasks: { retryBaseMs: options.retryBaseMs } } : {})
  store.main.folder('INBOX')
  store.main.folder('Trash', { specialUse: 'trash' })
  store.main.folder('Junk', { specialUse: 'junk' })
  if (options.archive !== false) store.main.folder('Archive', { specialUse: 'archive' })
  store.main.deliver('INBOX', [header(), header(), header(), header({ flags: ['\\Seen'] })])
  await store.coordinator.start()
  await store.coordinator.idle()
  return store
}

const inbox = (...uids: number[]): MessageRef[] => uids.map((uid) => ({ accountId, path: 'INBOX', uid }))

async function settled(store: { db: QuireDatabase; coordinator: { idle(): Promise<void> } }): Promise<void> {
  await vi.waitFor(async () => expect(await store.db.tasks.count()).toBe(0))
  await store.coordinator.idle()
}

const onServer = (main: FakeMain, path: string) => main.messages(path).map((h) => h.subject)
const cachedSubjects = async (db: QuireDatabase, path: string) => (await db.messages.where({ accountId, path }).toArray()).map((row) => row.subject)

describe('mail actions', () => {
  it('marks read and unread, flags and unflags', async () => {
    const store = await mailbox()
    const { main, db, coordinator } = store
    await coordinator.actions.markRead(inbox(1, 2))
    await coordinator.actions.flag(inbox(2))
    await coordinator.actions.markUnread(inbox(4))
    expect(await db.messages.where('[accountId+path+unread]').equals([accountId, 'INBOX', 1]).count()).toBe(2)
    await settled(store)

    await coordinator.actions.unflag(inbox(2))
    await settled(store)
    expect(main.messages('INBOX').map((h) => h.flags)).toEqual([['\\Seen'], ['\\Seen'], [], []])
  })

  it('deletes to Trash, and for good from Trash', async () => {
    const store = await mailbox()
    const { main, db, coordinator } = store
    const [subject] = onServer(main, 'INBOX')
    await coordinator.actions.delete(inbox(1))
    await settled(store)
    expect(onServer(main, 'Trash')).toEqual([subject])
    expect(await cachedSubjects(db, 'Trash')).toEqual([subject])

    const [inTrash] = await db.messages.where({ accountId, path: 'Trash' }).toArray()
    await coordinator.actions.delete([{ accountId, path: 'Trash', uid: inTrash!.uid }])
    await settled(store)
    expect(onServer(main, 'Trash')).toEqual([])
    expect(main.callsOf('mail.apply').at(-1)).toMatchObject({ task: { kind: 'expunge', path: 'Trash' } })
  })

  it('archives, and says so when the account has no Archive folder', async () => {
    const store = await mailbox()
    await store.coordinator.actions.archive(inbox(2, 3))
    await settled(store)
    expect(onServer(store.main, 'Archive')).toHaveLength(2)

    const bare = await mailbox({ archive: false })
    await expect(bare.coordinator.actions.archive(inbox(1))).rejects.toBeInstanceOf(MissingFolderError)
    expect(await bare.db.tasks.count()).toBe(0)
    expect(await bare.db.messages.get([accountId, 'INBOX', 1])).toBeDefined()
  })

  it('marks junk ($Junk, not $NotJunk, into Junk) and not junk ($NotJunk, back to INBOX)', async () => {
    const store = await mailbox()
    const { main, db, coordinator } = store
    main.setFlags('INBOX', 1, ['$NotJunk'])
    main.emit('mail.changed', { accountId, path: 'INBOX', reason: 'flags' })
    await coordinator.idle()

    await coordinator.actions.markJunk(inbox(1))
    await settled(store)
    expect(main.messages('Junk').map((h) => h.flags)).toEqual([['$Junk']])

    const [junk] = await db.messages.where({ accountId, path: 'Junk' }).toArray()
    await coordinator.actions.markNotJunk([{ accountId, path: 'Junk', uid: junk!.uid }])
    await settled(store)
    expect(main.messages('Junk')).toEqual([])
    expect(main.messages('INBOX').at(-1)?.flags).toEqual(['$NotJunk'])
  })

  it('undoes a change main has not received by taking it back', async () => {
    const store = await mailbox({ retryBaseMs: 60_000 })
    const { main, db, coordinator } = store
    main.failNext('mail.apply', { code: 'OFFLINE', message: 'You are offline.', retryable: true })
    const labels: (string | null)[] = []
    coordinator.actions.undoable.subscribe((label) => labels.push(label))

    await coordinator.actions.archive(inbox(1))
    expect(await db.messages.get([accountId, 'INBOX', 1])).toBeUndefined()
    await vi.waitFor(async () => expect((await db.tasks.toArray())[0]).toMatchObject({ attempts: 1 }))

    expect(await coordinator.actions.undoLast()).toBe(true)
    expect(await db.messages.get([accountId, 'INBOX', 1])).toBeDefined()
    expect(await db.tasks.count()).toBe(0)
    expect(onServer(main, 'Archive')).toEqual([])
    expect(labels).toEqual([null, 'Archive', null])
    expect(await coordinator.actions.undoLast()).toBe(false)
  })

  it('undoes an archive main applied by moving the message back', async () => {
    const store = await mailbox()
    const { main, db, coordinator } = store
    const subjects = onServer(main, 'INBOX')
    await coordinator.actions.archive(inbox(2))
    await settled(store)

    expect(await coordinator.actions.undoLast()).toBe(true)
    await settled(store)
    expect(onServer(main, 'Archive')).toEqual([])
    expect(onServer(main, 'INBOX').sort()).toEqual([...subjects].sort())
    expect((await cachedSubjects(db, 'INBOX')).sort()).toEqual([...subjects].sort())
  })

  it('undoes mark as read only for the messages it changed', async () => {
    const store = await mailbox()
    const { main, coordinator } = store
    await coordinator.actions.markRead(inbox(3, 4))
    await settled(store)

    await coordinator.actions.undoLast()
    await settled(store)
    expect(main.messages('INBOX').map((h) => h.flags)).toEqual([[], [], [], ['\\Seen']])
  })

  it('undoes marking junk: flags as they were, and back where it came from', async () => {
    const store = await mailbox()
    const { main, coordinator } = store
    await coordinator.actions.markJunk(inbox(4))
    await settled(store)

    await coordinator.actions.undoLast()
    await settled(store)
    expect(main.messages('Junk')).toEqual([])
    expect(main.messages('INBOX').at(-1)?.flags).toEqual(['\\Seen'])
  })
})
