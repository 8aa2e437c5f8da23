import 'fake-indexeddb/auto'
import { applyDelta } from '../../src-renderer/store/apply-delta'
import { QuireDatabase, type MessageRow } from '../../src-renderer/store/database'
import { flaggedPage, folderCount, folderPage, threadMessages, unreadCount } from '../../src-renderer/store/message-queries'
import { accountId, header } from './store-fake-main'

let databases = 0

/** INBOX with 23 messages on 8 distinct dates (so pages end inside runs of one date); every third one flagged. */
async function inbox(): Promise<QuireDatabase> {
  const db = new QuireDatabase(`queries-${++databases}`)
  const folder = { accountId, name: 'Inbox', delimiter: '/', parentPath: null, subscribed: true, selectable: true, total: null, unseen: null }
  await db.folders.bulkPut(['INBOX', 'Sent'].map((path) => ({ ...folder, path, specialUse: null, syncEnabled: true, syncSinceDays: null })))
  const added = Array.from({ length: 23 }, (_, i) =>
    header({ uid: i + 1, internalDate: Date.UTC(2026, 0, 1 + Math.floor(i / 3)), flags: i % 3 === 0 ? ['\\Flagged'] : ['\\Seen'] }),
  )
  const cursor = { uidValidity: '1', uidNext: 24, highestModseq: null, oldestUid: 1, backfillDone: true }
  await applyDelta(db, accountId, 'INBOX', { reset: true, added, changed: [], vanished: [], existingUids: null, cursor, more: false })
  return db
}

async function allPages(next: (olderThan?: MessageRow) => Promise<MessageRow[]>): Promise<number[]> {
  const seen: number[] = []
  let page = await next()
  while (page.length > 0) {
    seen.push(...page.map((row) => row.uid))
    page = await next(page.at(-1))
  }
  return seen
}

describe('message queries', () => {
  it('pages through a folder newest first, each message once, also where a page ends among messages of one date', async () => {
    const db = await inbox()
    const uids = await allPages((olderThan) => folderPage(db, accountId, 'INBOX', { limit: 4, ...(olderThan ? { olderThan } : {}) }))

    const expected = (await db.messages.where({ accountId, path: 'INBOX' }).toArray())
      .sort((a, b) => b.internalDate - a.internalDate || b.uid - a.uid)
      .map((row) => row.uid)
    expect(uids).toEqual(expected)
    expect(await folderPage(db, accountId, 'Sent', { limit: 50 })).toEqual([])
  })

  it('pages through flagged messages and counts a folder and its unread messages', async () => {
    const db = await inbox()
    const flagged = await allPages((olderThan) => flaggedPage(db, { limit: 3, ...(olderThan ? { olderThan } : {}) }))

    expect(flagged).toEqual([22, 19, 16, 13, 10, 7, 4, 1])
    expect(await folderCount(db, accountId, 'INBOX')).toBe(23)
    expect(await unreadCount(db, accountId, 'INBOX')).toBe(8)
  })

  it('lists a conversation across folders, oldest first', async () => {
    const db = await inbox()
    const cursor = { uidValidity: '1', uidNext: 2, highestModseq: null, oldestUid: 1, backfillDone: true }
    const [first] = await folderPage(db, accountId, 'INBOX', { limit: 1 })
    const reply = header({ uid: 1, internalDate: Date.UTC(2026, 1, 1), references: [first!.messageId!] })
    await applyDelta(db, accountId, 'Sent', { reset: true, added: [reply], changed: [], vanished: [], existingUids: null, cursor, more: false })

    const thread = await threadMessages(db, accountId, first!.threadId)
    expect(thread.map((row) => [row.path, row.uid])).toEqual([
      ['INBOX', 23],
      ['Sent', 1],
    ])
  })
})
