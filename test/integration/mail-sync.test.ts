import MailComposer from 'nodemailer/lib/mail-composer'
import { inject } from 'vitest'
import type { Account } from '../../src-main/common/domain/account'
import type { MailServiceOptions } from '../../src-main/mail/mail-service'
import { FolderReplica } from './support/folder-replica'
import { appendPlain, appendRaw, freshFolder, plainMessage, serverState } from './support/imap-peer'
import type { MailHarness } from './support/mail-harness'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.alice)

const withMail = (options: MailServiceOptions, use: (mail: MailHarness, account: Account) => Promise<void>, maxConnections = 3) =>
  suite.withMail(use, { options, account: { maxConnections } })

async function expectSameAsServer(replica: FolderReplica, path: string): Promise<void> {
  const server = await serverState(suite.peer, path)
  expect(replica.uids()).toEqual(server.uids)
  expect(replica.flags()).toEqual(server.flags)
  expect(replica.cursor?.uidValidity).toBe(server.uidValidity)
  expect(replica.repeated).toEqual([])
}

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return await new MailComposer({ from: 'Bob <bob@example.test>', to: 'alice@example.test', date: new Date('2026-02-02T10:00:00Z'), ...options }).compile().build()
}

/** Another client changes the folder (whose messages are \Seen): flags, a keyword, new mail, an expunge and a move. */
async function changeBehindQuiresBack(path: string, uids: number[], other: string) {
  const [a, b, c, d, e] = uids as [number, number, number, number, number]
  await suite.peer.mailboxOpen(path)
  await suite.peer.messageFlagsAdd(String(a), ['\\Answered'], { uid: true })
  await suite.peer.messageFlagsAdd(String(b), ['\\Flagged', '$Junk'], { uid: true })
  await suite.peer.messageFlagsRemove(String(c), ['\\Seen'], { uid: true })
  await suite.peer.messageDelete(String(d), { uid: true })
  await suite.peer.messageMove(String(e), other, { uid: true })
  const added = await appendPlain(suite.peer, path, 3, 900)
  return { flagged: [a, b, c], gone: [d, e], added }
}

describe('mail.sync against Dovecot', () => {
  it('an initial sync and backfill give exactly what the server holds, with header fields and snippets', async () => {
    const path = freshFolder('initial')
    await suite.peer.mailboxCreate(path)
    const special = {
      alternative: await compose({
        subject: 'Grüße aus Köln',
        text: 'Hällo Alice, the plain part comes first.\n> quoted reply line\nThanks',
        html: '<p>Hällo <b>Alice</b></p>',
        headers: { References: '<a@x.test> <b@x.test>', 'List-Unsubscribe': '<mailto:leave@list.test>', 'X-Spam-Flag': 'YES' },
      }),
      htmlOnly: await compose({ subject: 'Newsletter', html: `<html><head><style>${'p{color:red}'.repeat(100)}</style></head><body><p>Big&nbsp;news &amp; more</p></body></html>` }),
      attachment: await compose({ subject: 'Report', text: 'See the attached report.', attachments: [{ filename: 'report.pdf', content: Buffer.alloc(3000, 7) }] }),
      inlineImage: await compose({ subject: 'Photo', html: '<p>Look</p><img src="cid:photo1">', attachments: [{ filename: 'p.png', content: Buffer.alloc(80, 3), cid: 'photo1' }] }),
      base64Text: await compose({ subject: 'Encoded', text: 'Ünïcödé '.repeat(40), textEncoding: 'base64' }),
    }
    const uidOf: Record<string, number> = {}
    for (const [name, raw] of Object.entries(special)) {
      uidOf[name] = await appendRaw(suite.peer, path, raw, name === 'attachment' ? ['\\Seen', '$Forwarded'] : [])
    }
    await appendPlain(suite.peer, path, 30)

    await withMail({}, async (mail, account) => {
      const replica = new FolderReplica()
      const first = await mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 10 })
      replica.apply(first)
      expect(first.reset).toBe(true)
      expect(first.added).toHaveLength(10)
      expect(first.added.map((h) => h.uid)).toEqual([...first.added.map((h) => h.uid)].sort((x, y) => y - x))
      expect(first.cursor.backfillDone).toBe(false)
      expect(first.cursor.highestModseq).toMatch(/^\d+$/)
      await mail.syncAll(account.id, path, replica, { limit: 10 })
      await expectSameAsServer(replica, path)

      const header = (name: string) => replica.messages.get(uidOf[name] as number)!
      expect(header('alternative')).toMatchObject({
        subject: 'Grüße aus Köln',
        from: [{ name: 'Bob', address: 'bob@example.test' }],
        references: ['<a@x.test>', '<b@x.test>'],
        listUnsubscribe: '<mailto:leave@list.test>',
        spam: true,
        hasAttachments: false,
        snippet: 'Hällo Alice, the plain part comes first. Thanks',
      })
      expect(header('htmlOnly').snippet).toBe('Big news & more')
      expect(header('attachment')).toMatchObject({ hasAttachments: true, snippet: 'See the attached report.', flags: expect.arrayContaining(['\\Seen', '$Forwarded']) })
      expect(header('inlineImage')).toMatchObject({ hasAttachments: false, snippet: 'Look' })
      expect(header('base64Text').snippet).toBe('Ünïcödé '.repeat(40).trim().slice(0, 200))
      expect(header('base64Text').spam).toBe(false)
    })
  })

  it('changes by another client arrive as flag changes, VANISHED UIDs and new headers (QRESYNC), on an open folder and after a new SELECT', async () => {
    const { path, uids } = await suite.folderWith('qresync', 12, ['\\Seen'])
    const other = freshFolder('qresync-other')
    await suite.peer.mailboxCreate(other)

    // one pooled connection: syncing `other` in between makes the next sync of `path` SELECT it again
    await withMail(
      {},
      async (mail, account) => {
        const replica = new FolderReplica()
        await mail.syncAll(account.id, path, replica)

        // the folder is still selected on the pooled connection: NOOP + UID FETCH (CHANGEDSINCE … VANISHED)
        const first = await changeBehindQuiresBack(path, uids.slice(0, 5), other)
        const delta = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
        replica.apply(delta)
        expect(delta.reset).toBe(false)
        expect(delta.existingUids).toBeNull()
        expect(delta.changed.map((c) => c.uid)).toEqual(first.flagged)
        expect(delta.vanished).toEqual(expect.arrayContaining(first.gone))
        expect(delta.added.map((h) => h.uid)).toEqual([...first.added].reverse())
        expect(delta.cursor.uidNext).toBe(Math.max(...first.added) + 1)
        await expectSameAsServer(replica, path)

        // now through SELECT … (QRESYNC (uidvalidity modseq))
        await mail.syncAll(account.id, other, new FolderReplica())
        const second = await changeBehindQuiresBack(path, uids.slice(5, 10), other)
        const reselected = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
        replica.apply(reselected)
        expect(reselected.existingUids).toBeNull()
        expect(reselected.changed.map((c) => c.uid)).toEqual(second.flagged)
        expect(reselected.vanished).toEqual(expect.arrayContaining(second.gone))
        expect(reselected.added.map((h) => h.uid)).toEqual([...second.added].reverse())
        await expectSameAsServer(replica, path)

        // nothing changed: an empty delta, and the cursor stays put
        const idle = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
        expect(idle).toMatchObject({ added: [], changed: [], vanished: [], more: false })
        expect(idle.cursor).toEqual(replica.cursor)
      },
      2,
    )
  })

  it('a burst of new mail comes newest first in batches with more: true, without gaps or repeats', async () => {
    const { path } = await suite.folderWith('batches', 3)
    await withMail({}, async (mail, account) => {
      const replica = new FolderReplica()
      await mail.syncAll(account.id, path, replica)
      const arrived = await appendPlain(suite.peer, path, 25, 100)

      const batches = await mail.syncAll(account.id, path, replica, { limit: 10, backfill: false })
      expect(batches.map((d) => d.added.length)).toEqual([10, 10, 5])
      expect(batches.map((d) => d.more)).toEqual([true, true, false])
      expect(batches.flatMap((d) => d.added.map((h) => h.uid))).toEqual([...arrived].reverse())
      expect(batches[0]?.cursor.unfetched).toEqual({ from: arrived[0], to: arrived[14] })
      expect(batches[2]?.cursor.unfetched).toBeUndefined()
      await expectSameAsServer(replica, path)
    })
  })

  it.each([
    ['CONDSTORE without QRESYNC', ['QRESYNC']],
    ['neither CONDSTORE nor QRESYNC', ['CONDSTORE', 'QRESYNC']],
  ])('%s still converges (UID list for expunges)', async (_name, ignored) => {
    const { path, uids } = await suite.folderWith('fallback', 8, ['\\Seen'])
    const other = freshFolder('fallback-other')
    await suite.peer.mailboxCreate(other)
    await withMail({ ignoreCapabilities: ignored }, async (mail, account) => {
      const replica = new FolderReplica()
      await mail.syncAll(account.id, path, replica)
      if (ignored.includes('CONDSTORE')) expect(replica.cursor?.highestModseq).toBeNull()
      else expect(replica.cursor?.highestModseq).toMatch(/^\d+$/)

      const changes = await changeBehindQuiresBack(path, uids, other)
      const delta = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
      replica.apply(delta)
      expect(delta.existingUids).not.toBeNull()
      expect(delta.existingUids).not.toContain(changes.gone[0])
      expect(delta.added.map((h) => h.uid)).toEqual([...changes.added].reverse())
      await expectSameAsServer(replica, path)
    })
  })

  it('a folder deleted and created again (new UIDVALIDITY) is noticed by the poll and starts over with reset', async () => {
    const { path } = await suite.folderWith('uidvalidity', 4)
    await withMail({ pollIntervalMs: 200, ignoreCapabilities: ['NOTIFY'] }, async (mail, account) => {
      const replica = new FolderReplica()
      await mail.syncAll(account.id, path, replica)
      const before = replica.cursor?.uidValidity
      // the first poll round learns where every folder stands; the next one is then scheduled
      await mail.waitForStatus(account.id, (s) => s.state === 'online' && s.nextPollAt !== null, 'the first poll round')
      const seen = mail.changed.length

      await suite.peer.mailboxOpen('INBOX')
      await suite.peer.mailboxDelete(path)
      await suite.peer.mailboxCreate(path)
      await appendPlain(suite.peer, path, 2, 50)
      // Dovecot keeps showing the pooled connection the deleted folder; the poll (STATUS on the listener) sees the new one
      await mail.waitForChanged((e) => e.path === path && e.reason === 'poll', 'a poll to notice the new folder', seen)

      const delta = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
      replica.apply(delta)
      expect(delta.reset).toBe(true)
      expect(delta.cursor.uidValidity).not.toBe(before)
      expect([...replica.messages.values()].map((m) => m.subject).sort()).toEqual(['Message 50', 'Message 51'])
      await expectSameAsServer(replica, path)
    })
  })

  it('backfill goes back to `since` (internal date) and no further', async () => {
    const path = freshFolder('since')
    await suite.peer.mailboxCreate(path)
    for (const [n, day] of [[1, '2025-01-10'], [2, '2025-03-10'], [3, '2025-06-10'], [4, '2025-09-10'], [5, '2025-12-10']] as const) {
      await suite.peer.append(path, plainMessage(n), [], new Date(`${day}T12:00:00Z`))
    }
    await withMail({}, async (mail, account) => {
      const replica = new FolderReplica()
      replica.apply(await mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 1 }))
      const since = Date.parse('2025-05-01T00:00:00Z')
      const delta = await mail.call('mail.backfill', { accountId: account.id, path, cursor: replica.cursor!, limit: 10, since })
      replica.apply(delta)
      expect(delta.cursor.backfillDone).toBe(true)
      expect([...replica.messages.values()].map((m) => m.subject).sort()).toEqual(['Message 3', 'Message 4', 'Message 5'])
    })
  })

  it('a folder that does not exist is NOT_FOUND, naming it', async () => {
    await withMail({}, async (mail, account) => {
      const path = freshFolder('missing')
      await expect(mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 10 })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        retryable: false,
        message: expect.stringContaining(path),
      })
    })
  })
})
