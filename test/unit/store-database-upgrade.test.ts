import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { applyDelta, messageRow } from '../../src-renderer/store/apply-delta'
import { QuireDatabase, type MessageRow } from '../../src-renderer/store/database'
import { folderCount, folderPage, messagesById, threadMessages, unreadCount } from '../../src-renderer/store/message-queries'
import { accountId, header } from './store-fake-main'

/** The schema version 1 shipped with (database.ts), written out so this test keeps it when database.ts moves on. */
class VersionOne extends Dexie {
  constructor(name: string) {
    super(name)
    this.version(1).stores({
      accounts: 'id',
      folders: '[accountId+path]',
      messages:
        '[accountId+path+uid], [accountId+path+internalDate], [accountId+path+unread], [flagged+internalDate], [accountId+threadId], [accountId+messageId], [accountId+subjectKey+internalDate], [accountId+orphanSubject]',
      bodies: '[accountId+path+uid]',
      messageIds: '[accountId+messageId], [accountId+threadId]',
      cursors: '[accountId+path]',
      tasks: '++id, accountId',
      notices: '++id, accountId, read',
    })
  }
}

const folder = { accountId, name: 'Inbox', delimiter: '/', parentPath: null, subscribed: true, selectable: true, total: null, unseen: null, specialUse: null, syncEnabled: true, syncSinceDays: null }
const cursor = { uidValidity: '7', uidNext: 5, highestModseq: '40', oldestUid: 1, backfillDone: true }

describe('the mail cache of an earlier version', () => {
  it('opens with every row kept, and answers the reads the app makes, Message-ID look-ups included', async () => {
    const name = 'upgrade-from-1'
    // a user's cache as version 1 wrote it: rows with their threads, and a `messageIds` row per Message-ID
    const old = new VersionOne(name)
    await old.table('folders').put({ ...folder, path: 'INBOX' })
    await old.table('folders').put({ ...folder, path: 'Sent', name: 'Sent' })
    const original = header({ uid: 1, messageId: '<plan@example.org>', subject: 'Plan', flags: ['\\Seen'] })
    const reply = header({ uid: 1, messageId: '<re-plan@example.org>', subject: 'Re: Plan', inReplyTo: '<plan@example.org>', references: ['<plan@example.org>'], flags: ['\\Seen'] })
    const unread = header({ uid: 2, messageId: '<news@example.org>', subject: 'News', flags: ['\\Flagged'] })
    const inThread = (threadId: string, row: MessageRow) => ({ ...row, threadId })
    await old.table('messages').bulkPut([
      inThread('<plan@example.org>', messageRow(accountId, 'INBOX', original)),
      inThread('<news@example.org>', messageRow(accountId, 'INBOX', unread)),
      inThread('<plan@example.org>', messageRow(accountId, 'Sent', reply)),
    ])
    await old.table('messageIds').bulkPut(
      ['<plan@example.org>', '<re-plan@example.org>', '<news@example.org>'].map((messageId) => ({ accountId, messageId, threadId: messageId === '<news@example.org>' ? messageId : '<plan@example.org>' })),
    )
    await old.table('cursors').bulkPut([{ ...cursor, accountId, path: 'INBOX' }, { ...cursor, uidNext: 2, accountId, path: 'Sent' }])
    const before = {
      messages: await old.table('messages').toArray(),
      cursors: await old.table('cursors').toArray(),
      bodies: await old.table('bodies').toArray(),
      notices: await old.table('notices').toArray(),
      folders: await old.table('folders').toArray(),
    }
    expect(before.messages).toHaveLength(3)
    old.close()

    const db = new QuireDatabase(name)
    await db.open()
    try {
      expect(db.verno).toBe(3)
      // version 2 dropped the account-scoped Message-ID index; version 3 replaced `messageIds` by two indexes
      expect(db.messages.schema.indexes.map((index) => index.name)).not.toContain('[accountId+messageId]')
      expect(db.messages.schema.indexes.map((index) => index.name)).toEqual(expect.arrayContaining(['messageId', 'references']))
      expect(db.tables.map((table) => table.name)).not.toContain('messageIds')
      expect(await db.messages.toArray()).toEqual(before.messages)
      expect(await db.cursors.toArray()).toEqual(before.cursors)
      expect(await db.bodies.toArray()).toEqual(before.bodies)
      expect(await db.notices.toArray()).toEqual(before.notices)
      expect(await db.folders.toArray()).toEqual(before.folders)

      // the reads of the list, the counts, the conversation view and replying, on the upgraded rows
      expect((await folderPage(db, accountId, 'INBOX', { limit: 10 })).map((row) => row.messageId)).toEqual(['<news@example.org>', '<plan@example.org>'])
      expect(await folderCount(db, accountId, 'INBOX')).toBe(2)
      expect(await unreadCount(db, accountId, 'INBOX')).toBe(1)
      const [plan] = await messagesById(db, accountId, '<plan@example.org>')
      expect(plan).toMatchObject({ path: 'INBOX', uid: 1 })
      expect((await threadMessages(db, accountId, plan!.threadId)).map((row: MessageRow) => row.messageId)).toEqual(['<plan@example.org>', '<re-plan@example.org>'])
      // brackets dropped by a sender's client still find it
      expect(await messagesById(db, accountId, 're-plan@example.org')).toMatchObject([{ path: 'Sent' }])
      expect(await messagesById(db, accountId, '<unknown@example.org>')).toEqual([])

      // and the upgraded cache takes new mail as before: its Message-ID filter is built from the rows
      await applyDelta(db, accountId, 'INBOX', { reset: false, added: [header({ uid: 3, messageId: '<re-re@example.org>', references: ['<plan@example.org>', '<re-plan@example.org>'] })], changed: [], vanished: [], existingUids: null, cursor: { ...cursor, uidNext: 4 }, more: false })
      expect(await threadMessages(db, accountId, plan!.threadId)).toHaveLength(3)
    } finally {
      db.close()
      await db.delete()
    }
  })
})
