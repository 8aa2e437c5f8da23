import { inject } from 'vitest'
import { FolderReplica } from './support/folder-replica'
import { appendPlain, freshFolder } from './support/imap-peer'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const { carol } = servers.users
const suite = new MailSuite(servers, carol)

/** Longer than any test: a change that arrives came from NOTIFY, not from a poll round. */
const NEVER_MS = 60 * 60_000

describe('NOTIFY (RFC 5465) on the listener: the server pushes every folder', () => {
  it('a message appended and a flag changed by another client in a folder other than INBOX arrive without any poll', async () => {
    const { path } = await suite.folderWith('notify-elsewhere', 2)
    await suite.withMail(
      async (mail, account) => {
        const online = await mail.waitOnline(account.id)
        expect(online.watch?.mode).toBe('notify')
        // polling is off: no round is scheduled at all
        expect(online.nextPollAt).toBeNull()
        const replica = new FolderReplica()
        await mail.syncAll(account.id, path, replica)
        expect(replica.messages.size).toBe(2)

        let seen = mail.changed.length
        const [uid] = await appendPlain(suite.peer, path, 1, 10)
        await mail.waitForChanged((e) => e.accountId === account.id && e.path === path && e.reason === 'notify', 'NOTIFY to report the new message', seen)
        await mail.syncAll(account.id, path, replica)
        expect([...replica.messages.values()].map((m) => m.subject)).toContain('Message 10')

        seen = mail.changed.length
        await suite.peer.mailboxOpen(path)
        await suite.peer.messageFlagsAdd(String(uid), ['\\Flagged'], { uid: true })
        await mail.waitForChanged((e) => e.path === path && e.reason === 'notify', 'NOTIFY to report the flag change', seen)
        await mail.syncAll(account.id, path, replica)
        expect(replica.messages.get(uid!)?.flags).toContain('\\Flagged')

        expect(mail.changed.filter((e) => e.reason === 'poll')).toEqual([])
        expect(mail.statuses.filter((s) => s.accountId === account.id).every((s) => s.nextPollAt === null)).toBe(true)
      },
      { options: { pollIntervalMs: NEVER_MS } },
    )
  })

  it('folders created, deleted and created again are reported, and the new folder starts over', async () => {
    const { path } = await suite.folderWith('notify-recreated', 3)
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        const replica = new FolderReplica()
        await mail.syncAll(account.id, path, replica)
        const before = replica.cursor?.uidValidity

        let seen = mail.changed.length
        const created = freshFolder('notify-created')
        await suite.peer.mailboxCreate(created)
        await mail.waitForChanged((e) => e.path === created && e.reason === 'folders', 'NOTIFY to report the new folder', seen)

        seen = mail.changed.length
        await suite.peer.mailboxOpen('INBOX')
        await suite.peer.mailboxDelete(path)
        await suite.peer.mailboxCreate(path)
        await appendPlain(suite.peer, path, 1, 50)
        await mail.waitForChanged((e) => e.path === path && e.reason === 'notify', 'NOTIFY to report the message in the new folder', seen)
        const delta = await mail.call('mail.sync', { accountId: account.id, path, cursor: replica.cursor, limit: 500 })
        replica.apply(delta)
        expect(delta.reset).toBe(true)
        expect(delta.cursor.uidValidity).not.toBe(before)
        expect([...replica.messages.values()].map((m) => m.subject)).toEqual(['Message 50'])
      },
      { options: { pollIntervalMs: NEVER_MS } },
    )
  })

  it('without NOTIFY the other folders are polled, and the status says so', async () => {
    const { path } = await suite.folderWith('notify-absent', 1)
    await suite.withMail(
      async (mail, account) => {
        const polled = await mail.waitOnline(account.id, { polled: true })
        expect(polled.watch).toEqual({ mode: 'idle-poll', pollSeconds: 0.15 })
        const seen = mail.changed.length
        await appendPlain(suite.peer, path, 1, 20)
        await mail.waitForChanged((e) => e.path === path && e.reason === 'poll', 'a poll to notice the new message', seen)
        expect(mail.changed.filter((e) => e.reason === 'notify')).toEqual([])
      },
      { options: { pollIntervalMs: 150, ignoreCapabilities: ['NOTIFY'] } },
    )
  })

  it('with one connection allowed (no listener) every folder is polled, NOTIFY or not', async () => {
    await suite.withMail(
      async (mail, account) => {
        const polled = await mail.waitOnline(account.id, { polled: true })
        expect(polled.watch?.mode).toBe('poll')
      },
      { options: { pollIntervalMs: 150 }, account: { maxConnections: 1 } },
    )
  })
})
