import 'fake-indexeddb/auto'
import type { FolderCursor, FolderDelta, MessageHeader } from '../../src-main/common/domain/mail'
import { applyDelta, StaleDeltaError } from '../../src-renderer/store/apply-delta'
import { QuireDatabase, type MessageKey } from '../../src-renderer/store/database'
import { dropFolderCache } from '../../src-renderer/store/folders'
import { accountId, header } from './store-fake-main'

let databases = 0
const INBOX = 'INBOX'

async function database(): Promise<QuireDatabase> {
  const db = new QuireDatabase(`apply-delta-${++databases}`)
  await db.folders.put({
    accountId,
    path: INBOX,
    name: 'Inbox',
    delimiter: '/',
    parentPath: null,
    specialUse: 'inbox',
    subscribed: true,
    selectable: true,
    total: null,
    unseen: null,
    syncEnabled: true,
    syncSinceDays: null,
  })
  return db
}

function cursor(fields: Partial<FolderCursor> = {}): FolderCursor {
  return { uidValidity: '7', uidNext: 100, highestModseq: '10', oldestUid: 1, backfillDone: true, ...fields }
}

function delta(fields: Partial<FolderDelta> = {}): FolderDelta {
  return { reset: false, added: [], changed: [], vanished: [], existingUids: null, cursor: cursor(), more: false, ...fields }
}

const messagesAt = (uids: number[]): MessageHeader[] => uids.map((uid) => header({ uid }))
const key = (uid: number): MessageKey => [accountId, INBOX, uid]

async function cachedUids(db: QuireDatabase): Promise<number[]> {
  return (await db.messages.where({ accountId, path: INBOX }).toArray()).map((row) => row.uid)
}

async function storeBody(db: QuireDatabase, uid: number): Promise<void> {
  await db.bodies.put({ accountId, path: INBOX, uid, html: null, text: 'hello', attachments: [], inlineImages: [], fetchedAt: 0 })
}

describe('applying a folder delta', () => {
  it('adds messages with the fields the list indexes, and stores the cursor with them', async () => {
    const db = await database()
    const added = [header({ uid: 1, flags: ['\\Seen'] }), header({ uid: 2, flags: ['\\Flagged'] })]
    expect(await applyDelta(db, accountId, INBOX, delta({ reset: true, added, cursor: cursor({ uidNext: 3 }) }))).toBe(true)

    const [read, flagged] = await db.messages.bulkGet([key(1), key(2)])
    expect(read).toMatchObject({ unread: 0, flagged: 0, subject: added[0]?.subject })
    expect(flagged).toMatchObject({ unread: 1, flagged: 1 })
    expect(read?.threadId).toBeTruthy()
    expect(await db.cursors.get([accountId, INBOX])).toMatchObject({ uidNext: 3, uidValidity: '7' })
  })

  it('drops the folder’s messages and bodies before applying a reset', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2, 3]) }))
    await storeBody(db, 2)
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([5, 6]), cursor: cursor({ uidValidity: '8' }) }))

    expect(await cachedUids(db)).toEqual([5, 6])
    expect(await db.bodies.count()).toBe(0)
  })

  it('updates flags of cached messages and ignores changes to messages it does not hold', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2]) }))
    await applyDelta(
      db,
      accountId,
      INBOX,
      delta({
        changed: [
          { uid: 1, flags: ['\\Seen', '\\Flagged'], modseq: '11' },
          { uid: 50, flags: ['\\Seen'], modseq: '12' },
        ],
      }),
    )

    expect(await db.messages.get(key(1))).toMatchObject({ flags: ['\\Seen', '\\Flagged'], modseq: '11', unread: 0, flagged: 1 })
    expect(await db.messages.get(key(50))).toBeUndefined()
    expect(await db.messages.where('[accountId+path+unread]').equals([accountId, INBOX, 1]).count()).toBe(1)
  })

  it('deletes vanished messages with their bodies', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2, 3]) }))
    await storeBody(db, 2)
    await applyDelta(db, accountId, INBOX, delta({ vanished: [2, 3, 40] }))

    expect(await cachedUids(db)).toEqual([1])
    expect(await db.bodies.get(key(2))).toBeUndefined()
  })

  it('deletes cached messages missing from the existing UIDs a server without CONDSTORE reports', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2, 3, 4]) }))
    await applyDelta(db, accountId, INBOX, delta({ existingUids: [1, 3, 5], added: messagesAt([5]) }))

    expect(await cachedUids(db)).toEqual([1, 3, 5])
  })

  it('leaves other folders alone', async () => {
    const db = await database()
    await db.folders.put({ ...(await db.folders.get([accountId, INBOX]))!, path: 'Sent' })
    await applyDelta(db, accountId, 'Sent', delta({ reset: true, added: messagesAt([1, 2]) }))
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1]) }))
    await applyDelta(db, accountId, INBOX, delta({ existingUids: [], vanished: [2] }))

    expect(await db.messages.where({ accountId, path: 'Sent' }).count()).toBe(2)
  })

  it('writes neither data nor cursor when storing the cursor fails', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1]), cursor: cursor({ uidNext: 2 }) }))
    const put = vi.spyOn(db.cursors, 'put').mockRejectedValueOnce(new Error('disk full'))

    await expect(applyDelta(db, accountId, INBOX, delta({ added: messagesAt([2, 3]), vanished: [1], cursor: cursor({ uidNext: 4 }) }))).rejects.toThrow(
      'disk full',
    )
    put.mockRestore()
    expect(await cachedUids(db)).toEqual([1])
    expect(await db.cursors.get([accountId, INBOX])).toMatchObject({ uidNext: 2 })
  })

  it('keeps the cursor of the last complete batch when a later batch fails', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2]), cursor: cursor({ uidNext: 3 }), more: true }))
    // a batch whose last header cannot be stored (a UID is not a valid key) aborts the whole batch
    const broken = [...messagesAt([3, 4]), header({ uid: Number.NaN })]
    await expect(applyDelta(db, accountId, INBOX, delta({ added: broken, cursor: cursor({ uidNext: 6 }) }))).rejects.toThrow()

    expect(await cachedUids(db)).toEqual([1, 2])
    // the next sync asks again from UID 3: the cursor did not pass the messages that were lost
    expect(await db.cursors.get([accountId, INBOX])).toMatchObject({ uidNext: 3 })
  })

  it('refuses a batch computed for another UIDVALIDITY', async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1]) }))

    await expect(applyDelta(db, accountId, INBOX, delta({ added: messagesAt([2]), cursor: cursor({ uidValidity: '9' }) }))).rejects.toBeInstanceOf(
      StaleDeltaError,
    )
    expect(await cachedUids(db)).toEqual([1])
  })

  it('writes nothing for a folder whose sync was turned off or that is gone', async () => {
    const db = await database()
    await db.folders.update([accountId, INBOX], { syncEnabled: false })
    expect(await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1]) }))).toBe(false)
    expect(await applyDelta(db, accountId, 'Gone', delta({ reset: true, added: messagesAt([1]) }))).toBe(false)
    expect(await db.messages.count()).toBe(0)
    expect(await db.cursors.count()).toBe(0)
  })

  it("does not bring back, as cached, a folder whose cache was dropped while a sync's batch was on its way", async () => {
    const db = await database()
    await applyDelta(db, accountId, INBOX, delta({ reset: true, added: messagesAt([1, 2]) }))
    // the user turns the folder's sync off and on while main answers a batch asked for with the old cursor
    await dropFolderCache(db, accountId, INBOX)
    const late = delta({ added: messagesAt([3]), cursor: cursor({ uidNext: 4 }) })
    expect(await applyDelta(db, accountId, INBOX, late)).toBe(false)
    expect(await db.messages.count()).toBe(0)
    // no cursor: the next sync starts the folder afresh and brings every message back
    expect(await db.cursors.get([accountId, INBOX])).toBeUndefined()
  })
})
