import 'fake-indexeddb/auto'
import { mailboxRead } from '../../src-renderer/mail/list-source'
import type { ListedKeys } from '../../src-renderer/mail/listed-keys'
import { QuireDatabase, type MessageRow } from '../../src-renderer/store/database'
import { watchedRead } from '../../src-renderer/store/watched-read'
import { accountId } from './store-fake-main'

const at = (minute: number) => Date.UTC(2026, 1, 1) + minute * 60_000
const row = (path: string, uid: number, fields: Partial<MessageRow> = {}) => ({ accountId, path, uid, internalDate: at(uid), unread: 0, flagged: 0, ...fields }) as unknown as MessageRow

/** Follows a folder's list with `watchedRead`: each list delivered, and how often it was read. */
function follow(db: QuireDatabase, path: string) {
  const lists: number[][] = []
  let reads = 0
  const subscription = watchedRead(db, () => (reads++, mailboxRead(db, { kind: 'folder', accountId, path }))).subscribe({
    next: (keys: ListedKeys) => lists.push(keys.slice().map((entry) => entry.key[2])),
    error: (error) => {
      throw error
    },
  })
  return { lists, reads: () => reads, unsubscribe: () => subscription.unsubscribe() }
}

/** Waits until `done` holds, letting Dexie signal its writes (it does so on a timer). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(done()).toBe(true)
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('a read watched by its ranges', () => {
  let db: QuireDatabase
  beforeEach(async () => {
    db = new QuireDatabase(`watched-read-${Math.random()}`)
    await db.open()
    await db.messages.bulkPut([row('INBOX', 1), row('INBOX', 2), row('Archive', 1)])
  })
  afterEach(() => db.close())

  it("follows its folder's arrivals, flag changes and deletions, and not other folders' writes", async () => {
    const inbox = follow(db, 'INBOX')
    await until(() => inbox.lists.length === 1)
    expect(inbox.lists[0]).toEqual([2, 1])

    await db.messages.put(row('INBOX', 3))
    await until(() => inbox.lists.length === 2)
    expect(inbox.lists[1]).toEqual([3, 2, 1])

    // a message that moves to an older date moves down the list
    await db.messages.update([accountId, 'INBOX', 3], { internalDate: at(0) })
    await until(() => inbox.lists.length === 3)
    expect(inbox.lists[2]).toEqual([2, 1, 3])

    await db.messages.delete([accountId, 'INBOX', 2])
    await until(() => inbox.lists.length === 4)
    expect(inbox.lists[3]).toEqual([1, 3])

    // a batch of a sync (Dexie notes 50 rows or more as "anything may have changed")
    await db.messages.bulkPut(Array.from({ length: 60 }, (_, i) => row('INBOX', 10 + i)))
    await until(() => inbox.lists.length === 5)
    expect(inbox.lists[4]).toHaveLength(62)

    const reads = inbox.reads()
    await db.messages.put(row('Archive', 2))
    await db.messages.update([accountId, 'Archive', 1], { flagged: 1 })
    await db.folders.put({ accountId, path: 'Elsewhere' } as never)
    await settle()
    expect(inbox.reads()).toBe(reads)
    expect(inbox.lists).toHaveLength(5)
    inbox.unsubscribe()
  })

  it('reads again after a write that came during a read, having delivered the read', async () => {
    const inbox = follow(db, 'INBOX')
    await until(() => inbox.lists.length === 1)
    // the write lands while the second read (started by the first write) is still running
    await db.messages.put(row('INBOX', 3))
    await Promise.resolve()
    await db.messages.put(row('INBOX', 4))
    await until(() => inbox.lists.at(-1)?.length === 4)
    expect(inbox.lists.at(-1)).toEqual([4, 3, 2, 1])
    inbox.unsubscribe()
  })
})
