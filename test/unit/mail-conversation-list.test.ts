import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey } from '../../src-renderer/store/database'
import { collapseThreads, conversationKeys, ThreadLookup, threadsOfRows } from '../../src-renderer/mail/conversation-list'
import { mailboxKeys } from '../../src-renderer/mail/list-source'
import type { DatedKey } from '../../src-renderer/mail/listed-keys'
import { account, FakeMain, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

const a = 'account-a' as AccountId
const b = 'account-b' as AccountId
const key = (account: AccountId, path: string, uid: number): MessageKey => [account, path, uid]
const dated = (k: MessageKey, date: number): DatedKey => ({ key: k, date })
function lookup(...pairs: [MessageKey, string][]): ThreadLookup {
  const threads = new ThreadLookup()
  for (const [k, thread] of pairs) threads.set(k, thread)
  return threads
}

describe('collapseThreads', () => {
  it('keeps one row per thread, listed by its newest message and carrying all of its listed messages', () => {
    const newest = key(a, 'INBOX', 3)
    const report = key(a, 'INBOX', 2)
    const oldest = key(a, 'INBOX', 1)
    const threads = lookup([newest, 't1'], [report, 't2'], [oldest, 't1'])
    const rows = collapseThreads([dated(newest, 30), dated(report, 20), dated(oldest, 10)], threads)
    expect(rows).toEqual([
      { key: newest, date: 30, members: [newest, oldest] },
      { key: report, date: 20, members: [report] },
    ])
  })

  it('keeps threads of different accounts apart, and a message of unknown thread on its own row', () => {
    const mine = key(a, 'INBOX', 1)
    const theirs = key(b, 'INBOX', 1)
    const unknown = key(a, 'INBOX', 9)
    const threads = lookup([mine, 'same'], [theirs, 'same'])
    const rows = collapseThreads([dated(mine, 3), dated(theirs, 2), dated(unknown, 1)], threads)
    expect(rows.map((row) => row.members)).toEqual([[mine], [theirs], [unknown]])
  })
})

describe('the conversation view of a folder', () => {
  /** INBOX holds a question and its second answer; the first answer is in Sent; a report stands alone. */
  async function store() {
    const main = new FakeMain()
    main.accounts = [account()]
    main.folder('INBOX')
    main.folder('Sent', { specialUse: 'sent' })
    const day = (n: number) => Date.UTC(2026, 2, n)
    main.deliver('INBOX', [
      header({ subject: 'Lunch', messageId: '<q@x>', internalDate: day(1) }),
      header({ subject: 'Report', messageId: '<r@x>', internalDate: day(2) }),
      header({ subject: 'Re: Lunch', messageId: '<a2@x>', inReplyTo: '<a1@x>', references: ['<q@x>', '<a1@x>'], internalDate: day(4) }),
    ])
    main.deliver('Sent', [header({ subject: 'Re: Lunch', messageId: '<a1@x>', inReplyTo: '<q@x>', references: ['<q@x>'], internalDate: day(3) })])
    const opened = storeOnFakeMain({}, main)
    await opened.coordinator.start()
    await opened.coordinator.idle()
    return opened
  }

  for (const [how, readRowsUpTo] of [
    ['reading the rows', 2000],
    ['walking the thread index', 0],
  ] as const) {
    it(`collapses a folder to one row per thread, ${how}`, async () => {
      const { db } = await store()
      const keys = await mailboxKeys(db, { kind: 'folder', accountId: account().id, path: 'INBOX' })
      const rows = await conversationKeys(db, keys, readRowsUpTo)
      const subjects = async (list: readonly MessageKey[]) => (await db.messages.bulkGet([...list])).map((row) => row?.subject)
      expect(await subjects(rows.map((row) => row.key))).toEqual(['Re: Lunch', 'Report'])
      expect(await subjects(rows[0]!.members!)).toEqual(['Re: Lunch', 'Lunch'])
    })
  }

  it('reads the threads of a screenful of rows in one query, with the copies in other folders', async () => {
    const { db } = await store()
    const rows = await db.messages.toArray()
    const threads = await threadsOfRows(db, [rows.find((row) => row.subject === 'Lunch'), undefined])
    expect([...threads.values()].map((thread) => thread.map((row) => row.path).sort())).toEqual([['INBOX', 'INBOX', 'Sent']])
  })
})
