import 'fake-indexeddb/auto'
import type { AccountId } from '../../src-main/common/domain/account'
import { mailboxKeys, mailboxRead } from '../../src-renderer/mail/list-source'
import type { Mailbox } from '../../src-renderer/mail/mailbox'
import type { ListedKeys } from '../../src-renderer/mail/listed-keys'
import { QuireDatabase, type MessageRow } from '../../src-renderer/store/database'
import { UNCHANGED, watchedRead, type Watched } from '../../src-renderer/store/watched-read'
import { accountId } from './store-fake-main'

const at = (minute: number) => Date.UTC(2026, 1, 1) + minute * 60_000
const row = (path: string, uid: number, fields: Partial<MessageRow> = {}) => ({ accountId, path, uid, internalDate: at(uid), unread: 0, flagged: 0, ...fields }) as unknown as MessageRow

/** Follows a folder's list (or another mailbox's) with `watchedRead`: each list delivered, and how often it was read. */
function follow(db: QuireDatabase, path: string, mailbox: Exclude<Mailbox, { kind: 'search' }> = { kind: 'folder', accountId, path }) {
  const lists: number[][] = []
  const keys: string[][] = []
  let reads = 0
  const subscription = watchedRead(db, () => (reads++, mailboxRead(db, mailbox))).subscribe({
    next: (listed: ListedKeys) => {
      lists.push(listed.slice().map((entry) => entry.key[2]))
      keys.push(listed.slice().map((entry) => `${entry.key.join('/')}@${entry.date}`))
    },
    error: (error) => {
      throw error
    },
  })
  return { lists, keys, reads: () => reads, unsubscribe: () => subscription.unsubscribe() }
}

/** The mailbox as a fresh read lists it, in the form `follow` records. */
async function listedNow(db: QuireDatabase, mailbox: Exclude<Mailbox, { kind: 'search' }>): Promise<string[]> {
  return (await mailboxKeys(db, mailbox)).slice().map((entry) => `${entry.key.join('/')}@${entry.date}`)
}

/** Waits until `done` holds, letting Dexie signal its writes (it does so on a timer). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(await done()).toBe(true)
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

  it('follows a few changed messages by patching the list, not by walking the folder again', async () => {
    const mailbox = { kind: 'folder', accountId, path: 'INBOX' } as const
    const inbox = follow(db, 'INBOX', mailbox)
    await until(() => inbox.lists.length === 1)
    const check = async (uids: number[]) => {
      await until(() => inbox.lists.length > 0 && JSON.stringify(inbox.lists.at(-1)) === JSON.stringify(uids))
      expect(inbox.keys.at(-1)).toEqual(await listedNow(db, mailbox))
    }

    // a flag change leaves the list as it is: nothing is read, nothing delivered
    await db.messages.update([accountId, 'INBOX', 2], { flagged: 1, flags: ['\\Flagged'] })
    await settle()
    expect(inbox.lists).toHaveLength(1)

    // an arrival between two others, one at a date already listed (the higher UID first), a date
    // change, a deletion, and a move to another folder
    await db.messages.put(row('INBOX', 5, { internalDate: at(1) + 30_000 }))
    await check([2, 5, 1])
    await db.messages.put(row('INBOX', 7, { internalDate: at(1) }))
    await check([2, 5, 7, 1])
    await db.messages.update([accountId, 'INBOX', 1], { internalDate: at(9) })
    await check([1, 2, 5, 7])
    await db.messages.delete([accountId, 'INBOX', 5])
    await check([1, 2, 7])
    await db.transaction('rw', db.messages, async () => {
      await db.messages.delete([accountId, 'INBOX', 7])
      await db.messages.put(row('Archive', 7))
    })
    await check([1, 2])
    expect(inbox.reads()).toBe(1)

    // a sync batch names no messages (Dexie notes 50 rows or more as a range): read again
    await db.messages.bulkPut(Array.from({ length: 60 }, (_, i) => row('INBOX', 10 + i)))
    await until(() => inbox.lists.at(-1)?.length === 62)
    expect(inbox.reads()).toBe(2)
    expect(inbox.keys.at(-1)).toEqual(await listedNow(db, mailbox))
    inbox.unsubscribe()
  })

  it('patches the unified inbox across accounts in the order a fresh read merges it, and reads it again when the folders change', async () => {
    const other = 'account-b' as AccountId
    const inboxOf = (id: AccountId) => ({ accountId: id, path: 'INBOX', name: 'INBOX', delimiter: '/', parentPath: null, specialUse: 'inbox', subscribed: true, selectable: true, syncEnabled: true }) as never
    await db.folders.bulkPut([inboxOf(accountId), inboxOf(other)])
    await db.messages.bulkPut([row('INBOX', 1, { accountId: other }), row('INBOX', 3, { accountId: other })])
    const mailbox = { kind: 'unified', view: 'inbox' } as const
    const unified = follow(db, 'INBOX', mailbox)
    await until(() => unified.lists.length === 1)
    expect(unified.keys[0]).toEqual(await listedNow(db, mailbox))

    // at equal dates the accounts keep the order a fresh merge gives them
    for (const [id, uid] of [[other, 2], [accountId, 9], [other, 8]] as const) await db.messages.put(row('INBOX', uid, { accountId: id, internalDate: at(2) }))
    await until(async () => JSON.stringify(unified.keys.at(-1)) === JSON.stringify(await listedNow(db, mailbox)))
    expect(unified.keys.at(-1)).toHaveLength(7)
    expect(unified.reads()).toBe(1)

    // the other account's inbox leaves the view (the account removed): a folder-list write is read again, not patched
    await db.folders.delete([other, 'INBOX'])
    await until(() => unified.reads() === 2 && unified.keys.at(-1)?.length === 3)
    expect(unified.keys.at(-1)).toEqual(await listedNow(db, mailbox))
    unified.unsubscribe()
  })

  it('applies the writes noticed during an update after it, and reads again where an update cannot follow or fails', async () => {
    let reads = 0
    const updates: string[] = []
    let failNext = false
    const result = (value: number): Watched<number> => ({
      value,
      watch: [{ table: 'messages', index: '', lower: [accountId, 'INBOX', 0], upper: [accountId, 'INBOX', Infinity] }],
      update: (changed) => {
        const written = JSON.stringify(changed).includes('"to":[') ? (changed[`idb://${db.name}/messages/`] as { from: [string, string, number] } | undefined)?.from[2] : undefined
        if (written === undefined || written >= 100) return null
        updates.push(`${value}+${written}`)
        if (failNext) return ((failNext = false), Promise.reject(new Error('gone')))
        return new Promise((resolve) => setTimeout(() => resolve(written === 0 ? UNCHANGED : result(value + written)), 20))
      },
    })
    const seen: number[] = []
    const subscription = watchedRead(db, async () => (reads++, result(1000 * reads))).subscribe({ next: (value) => seen.push(value), error: () => {} })
    await until(() => seen.length === 1)

    await db.messages.put(row('INBOX', 3))
    await new Promise((resolve) => setTimeout(resolve, 5))
    // noticed while the first update runs: applied to its result, in order
    await db.messages.put(row('INBOX', 4))
    await db.messages.put(row('INBOX', 0))
    await until(() => seen.at(-1) === 1007)
    await settle()
    expect(updates).toEqual(['1000+3', '1003+4', '1007+0'])
    expect(reads).toBe(1)

    await db.messages.put(row('INBOX', 100))
    await until(() => seen.at(-1) === 2000)
    failNext = true
    await db.messages.put(row('INBOX', 5))
    await until(() => seen.at(-1) === 3000)
    expect(reads).toBe(3)
    subscription.unsubscribe()
  })

  it('patches Unread and Flagged as a fresh read lists them when messages are read, flagged or arrive', async () => {
    const other = 'account-b' as AccountId
    const folder = (id: AccountId, path: string, specialUse: string | null) =>
      ({ accountId: id, path, name: path, delimiter: '/', parentPath: null, specialUse, subscribed: true, selectable: true, syncEnabled: true }) as never
    await db.folders.bulkPut([folder(accountId, 'INBOX', 'inbox'), folder(accountId, 'Archive', 'archive'), folder(other, 'INBOX', 'inbox')])
    await db.messages.bulkPut([row('INBOX', 3, { accountId: other, unread: 1, flagged: 1 }), row('INBOX', 4, { accountId: other, unread: 1 })])
    await db.messages.bulkPut([row('INBOX', 1, { unread: 1 }), row('INBOX', 2, { flagged: 1 }), row('Archive', 1, { unread: 1, flagged: 1 })])
    const views = (['unread', 'flagged'] as const).map((view) => ({ mailbox: { kind: 'unified', view } as const, follow: follow(db, 'INBOX', { kind: 'unified', view }) }))
    await until(() => views.every(({ follow }) => follow.lists.length === 1))
    const inStep = async () => {
      for (const { mailbox, follow } of views) {
        const now = await listedNow(db, mailbox)
        await until(() => JSON.stringify(follow.keys.at(-1)) === JSON.stringify(now))
      }
    }
    await inStep()

    // read, unread again, flagged, unflagged; new mail at a date already listed, in each account
    await db.messages.update([accountId, 'INBOX', 1], { unread: 0 })
    await inStep()
    await db.messages.update([accountId, 'INBOX', 1], { unread: 1, flagged: 1 })
    await inStep()
    await db.messages.update([other, 'INBOX', 3], { flagged: 0 })
    await inStep()
    for (const [id, path, uid] of [[other, 'INBOX', 9], [accountId, 'Archive', 9], [accountId, 'INBOX', 9]] as const) {
      await db.messages.put(row(path, uid, { accountId: id, internalDate: at(1), unread: 1, flagged: 1 }))
      await inStep()
    }
    expect(views.map(({ follow }) => follow.keys.at(-1)?.length)).toEqual([7, 6])
    expect(views.map(({ follow }) => follow.reads())).toEqual([1, 1])
    for (const { follow } of views) follow.unsubscribe()
  })
})
