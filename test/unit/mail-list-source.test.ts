import 'fake-indexeddb/auto'
import type { AccountId } from '../../src-main/common/domain/account'
import { mailboxFirstKeys, mailboxKeys } from '../../src-renderer/mail/list-source'
import { keyId, listedIn, mergeNewestFirst, PackedKeysBuilder, type DatedKey, type ListedKeys } from '../../src-renderer/mail/listed-keys'
import { QuireDatabase, type MessageRow } from '../../src-renderer/store/database'
import { account, accountId, FakeMain, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

const second = 'account-two' as AccountId
const at = (day: number) => Date.UTC(2026, 1, day)

/** Two accounts with an INBOX, Archive, Trash and Junk each, synced into a fresh store. */
async function twoAccounts() {
  const main = new FakeMain()
  main.accounts = [account(), { ...account(second), name: 'Home' }]
  for (const id of [accountId, second]) {
    main.folder('INBOX', { account: id })
    main.folder('Archive', { account: id, specialUse: 'archive' })
    main.folder('Trash', { account: id, specialUse: 'trash' })
    main.folder('Junk', { account: id, specialUse: 'junk' })
  }
  main.deliver('INBOX', [header({ subject: 'w1', internalDate: at(1) }), header({ subject: 'w3', internalDate: at(3), flags: ['\\Seen', '\\Flagged'] })])
  main.deliver('INBOX', [header({ subject: 'h2', internalDate: at(2) }), header({ subject: 'h4', internalDate: at(4), flags: ['\\Seen'] })], second)
  main.deliver('Archive', [header({ subject: 'a5', internalDate: at(5), flags: ['\\Flagged'] })])
  main.deliver('Trash', [header({ subject: 't6', internalDate: at(6), flags: ['\\Flagged'] })])
  main.deliver('Junk', [header({ subject: 'j7', internalDate: at(7) })], second)
  const store = storeOnFakeMain({}, main)
  await store.coordinator.start()
  await store.coordinator.idle()
  return store
}

async function subjects(db: Awaited<ReturnType<typeof twoAccounts>>['db'], keys: ListedKeys) {
  const rows = await db.messages.bulkGet(keys.slice().map((entry) => entry.key))
  return rows.map((row) => row?.subject)
}

describe('mailbox lists', () => {
  it('merges lists that are each newest first', () => {
    const packed = (path: string, entries: [uid: number, date: number][]) => {
      const list = new PackedKeysBuilder()
      for (const [uid, date] of entries) list.push(accountId, path, uid, date)
      return list.build()
    }
    const merged = mergeNewestFirst([
      packed('INBOX', [[1, 9], [2, 4]]),
      packed('INBOX', []),
      packed('Archive', [[3, 7], [4, 4], [5, 1]]),
    ])
    expect(merged.slice().map((entry) => entry.key[2])).toEqual([1, 3, 2, 4, 5])
    expect(merged.at(1)).toEqual({ key: [accountId, 'Archive', 3], date: 7 } satisfies DatedKey)
    expect(merged.slice(-2).map((entry) => entry.key[2])).toEqual([4, 5])
    expect(merged.at(-1)?.key).toEqual([accountId, 'Archive', 5])
    expect(merged.at(5)).toBeUndefined()
    expect(merged.indexOf([accountId, 'Archive', 5])).toBe(4)
    expect(merged.indexOf([accountId, 'INBOX', 5])).toBe(-1)
  })

  it('lists one folder newest first, and the unified inbox across accounts', async () => {
    const { db } = await twoAccounts()
    expect(await subjects(db, await mailboxKeys(db, { kind: 'folder', accountId, path: 'INBOX' }))).toEqual(['w3', 'w1'])
    expect(await subjects(db, await mailboxKeys(db, { kind: 'unified', view: 'inbox' }))).toEqual(['h4', 'w3', 'h2', 'w1'])
  })

  it('leaves Trash and Junk out of Unread and Flagged', async () => {
    const { db } = await twoAccounts()
    expect(await subjects(db, await mailboxKeys(db, { kind: 'unified', view: 'unread' }))).toEqual(['a5', 'h2', 'w1'])
    expect(await subjects(db, await mailboxKeys(db, { kind: 'unified', view: 'flagged' }))).toEqual(['a5', 'w3'])
  })

  it('follows the cache: a flag change moves a message in and out of Flagged', async () => {
    const { db, coordinator } = await twoAccounts()
    const [w1] = await mailboxKeys(db, { kind: 'folder', accountId, path: 'INBOX' }).then((keys) => keys.slice(1))
    await coordinator.actions.flag([{ accountId, path: 'INBOX', uid: w1!.key[2] }])
    expect(await subjects(db, await mailboxKeys(db, { kind: 'unified', view: 'flagged' }))).toEqual(['a5', 'w3', 'w1'])
  })

  it('finds the selected messages of a list in list order, packed or not', () => {
    const list = new PackedKeysBuilder()
    for (const [path, uid, date] of [['INBOX', 5, 9], ['Archive', 5, 8], ['INBOX', 4, 7], ['INBOX', 3, 6]] as const) list.push(accountId, path, uid, date)
    const packed = list.build()
    const ids = new Set([keyId([accountId, 'INBOX', 3]), keyId([accountId, 'Archive', 5]), keyId([accountId, 'Sent', 4]), keyId([second, 'INBOX', 5])])
    const expected = [{ key: [accountId, 'Archive', 5], date: 8 }, { key: [accountId, 'INBOX', 3], date: 6 }]
    expect(listedIn(packed, ids)).toEqual(expected)
    expect(listedIn(packed.slice(), ids)).toEqual(expected)
    expect(listedIn(packed, new Set())).toEqual([])
  })

  it('names keys unambiguously', () => {
    expect(keyId([accountId, 'a', 1])).not.toBe(keyId([accountId, 'a\u00001', 1]))
  })

  it('lists a large folder in date order across its read requests, and its first screenful alone', async () => {
    const db = new QuireDatabase('list-source-large')
    await db.open()
    // read 50 keys per request: 60 messages of one second (more than one request reads), then runs of 7 that straddle request boundaries
    const dateOf = (uid: number) => (uid <= 60 ? at(1) : at(2) + Math.floor(uid / 7) * 1000)
    const rows = Array.from({ length: 600 }, (_, i) => ({ accountId, path: 'Big', uid: i + 1, internalDate: dateOf(i + 1) }) as unknown as MessageRow)
    await db.messages.bulkPut(rows)
    const expected = rows.map((row) => ({ uid: row.uid, date: row.internalDate })).sort((a, b) => b.date - a.date || b.uid - a.uid)
    const listed = await mailboxKeys(db, { kind: 'folder', accountId, path: 'Big' }, { chunk: 50 })
    expect((await mailboxKeys(db, { kind: 'folder', accountId, path: 'Big' })).slice()).toEqual(listed.slice())
    expect(listed.slice().map((entry) => entry.key[2])).toEqual(expected.map((entry) => entry.uid))
    expect(listed.slice().map((entry) => entry.date)).toEqual(expected.map((entry) => entry.date))
    const first = await mailboxFirstKeys(db, { kind: 'folder', accountId, path: 'Big' }, 100)
    expect(first?.slice()).toEqual(listed.slice(0, 100))
    expect(mailboxFirstKeys(db, { kind: 'unified', view: 'unread' }, 100)).toBeNull()
    db.close()
  })

  it('lets a sync write go between the read requests of a large folder, instead of after all of them', async () => {
    const db = new QuireDatabase('list-source-interleave')
    await db.open()
    await db.messages.bulkPut(Array.from({ length: 600 }, (_, i) => ({ accountId, path: 'Big', uid: i + 1, internalDate: at(1) + i * 1000 }) as unknown as MessageRow))
    const finished: string[] = []
    const listing = mailboxKeys(db, { kind: 'folder', accountId, path: 'Big' }, { chunk: 50 }).then((keys) => (finished.push('list'), keys))
    // a batch of a backfill, begun while the list is being read
    await new Promise((resolve) => setTimeout(resolve, 0))
    const writing = db.transaction('rw', db.messages, () => db.messages.put({ accountId, path: 'Big', uid: 601, internalDate: at(1) - 1000 } as unknown as MessageRow)).then(() => finished.push('write'))
    await Promise.all([listing, writing])
    expect(finished).toEqual(['write', 'list'])
    db.close()
  })
})
