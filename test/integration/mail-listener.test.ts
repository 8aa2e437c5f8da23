import { setTimeout as sleep } from 'node:timers/promises'
import { inject } from 'vitest'
import { FolderReplica } from './support/folder-replica'
import { appendPlain, freshFolder } from './support/imap-peer'
import { deliver } from './support/lmtp-delivery'
import { eventually } from './support/mail-harness'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const { carol } = servers.users
const suite = new MailSuite(servers, carol)

/** Dovecot has NOTIFY, which would push the other folders (mail-notify.test.ts): these tests are about polling. */
const withoutNotify = { ignoreCapabilities: ['NOTIFY'] }

describe('the listener: IDLE on INBOX, STATUS polls elsewhere', () => {
  it('mail delivered to INBOX, and flag changes and expunges by another client, reach mail.changed through IDLE', async () => {
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        const replica = new FolderReplica()
        await mail.syncAll(account.id, 'INBOX', replica)

        let seen = mail.changed.length
        const subject = await deliver(servers, carol.email)
        await mail.waitForChanged((e) => e.accountId === account.id && e.path === 'INBOX' && e.reason === 'exists', 'EXISTS through IDLE', seen)
        const delta = await mail.call('mail.sync', { accountId: account.id, path: 'INBOX', cursor: replica.cursor, limit: 500 })
        replica.apply(delta)
        const arrived = delta.added.find((h) => h.subject === subject)
        expect(arrived).toBeDefined()
        const uid = String(arrived!.uid)

        await suite.peer.mailboxOpen('INBOX')
        seen = mail.changed.length
        await suite.peer.messageFlagsAdd(uid, ['\\Flagged'], { uid: true })
        await mail.waitForChanged((e) => e.path === 'INBOX' && e.reason === 'flags', 'a flag change through IDLE', seen)

        seen = mail.changed.length
        await suite.peer.messageDelete(uid, { uid: true })
        await mail.waitForChanged((e) => e.path === 'INBOX' && e.reason === 'expunge', 'an expunge through IDLE', seen)
        const after = await mail.call('mail.sync', { accountId: account.id, path: 'INBOX', cursor: replica.cursor, limit: 500 })
        expect(after.vanished).toContain(arrived!.uid)
        // polling covers the folders IDLE does not: it says when the next round is
        expect(mail.lastStatus(account.id)?.nextPollAt).toEqual(expect.any(Number))
      },
      { options: withoutNotify },
    )
  })

  it('polls report only the folders that moved, and new folders', async () => {
    const moved = freshFolder('poll-moved')
    const still = freshFolder('poll-still')
    await suite.peer.mailboxCreate(moved)
    await suite.peer.mailboxCreate(still)
    await suite.withMail(
      async (mail, account) => {
        const first = await mail.waitOnline(account.id, { polled: true })
        const seen = mail.changed.length
        await appendPlain(suite.peer, moved, 1)
        await mail.waitForChanged((e) => e.path === moved && e.reason === 'poll', 'a poll to notice the new message', seen)
        const created = freshFolder('poll-created')
        await suite.peer.mailboxCreate(created)
        await mail.waitForChanged((e) => e.path === created && e.reason === 'folders', 'a poll to notice the new folder', seen)
        // a few more rounds go by
        await mail.waitForStatus(account.id, (s) => (s.nextPollAt ?? 0) > (first.nextPollAt ?? 0) + 450, 'three more poll rounds')
        expect(mail.changed.slice(seen).filter((e) => e.path === still)).toEqual([])
        expect(mail.changed.slice(seen).filter((e) => e.path === moved)).toHaveLength(1)
      },
      { options: { pollIntervalMs: 150, ...withoutNotify } },
    )
  })

  it('with one connection allowed there is no listener: INBOX is polled through the pool', async () => {
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id, { polled: true })
        const seen = mail.changed.length
        await deliver(servers, carol.email)
        await mail.waitForChanged((e) => e.path === 'INBOX' && e.reason === 'poll', 'a poll to notice INBOX', seen)
        await mail.syncAll(account.id, 'INBOX', new FolderReplica())
        expect(suite.proxy.openConnections).toBeLessThanOrEqual(1)
      },
      { options: { pollIntervalMs: 150 }, account: { maxConnections: 1, ...suite.viaProxy() } },
    )
  })

  it('never opens more than maxConnections, the listener included', async () => {
    const folders = await Promise.all(['pool-a', 'pool-b', 'pool-c', 'pool-d'].map((label) => suite.folderWith(label, 5)))
    await eventually('an idle proxy', () => suite.proxy.openConnections === 0)
    suite.proxy.mostOpen = 0
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        const replicas = await Promise.all(
          folders.map(async ({ path }) => {
            const replica = new FolderReplica()
            await mail.syncAll(account.id, path, replica)
            return replica
          }),
        )
        expect(replicas.map((r) => r.messages.size)).toEqual([5, 5, 5, 5])
        expect(suite.proxy.mostOpen).toBeLessThanOrEqual(2)
      },
      { account: { maxConnections: 2, ...suite.viaProxy() } },
    )
  })

  it('a lost connection goes offline, comes back, and asks for INBOX to be synced again', async () => {
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        const seen = mail.changed.length
        const statuses = mail.statuses.length
        suite.proxy.cutAll()
        await mail.waitForChanged((e) => e.accountId === account.id && e.path === 'INBOX' && e.reason === 'reconnect', 'the reconnect notice', seen)
        expect(mail.statuses.slice(statuses).map((s) => s.state)).toContain('offline')
        expect(mail.lastStatus(account.id)?.state).toBe('online')
      },
      { account: suite.viaProxy() },
    )
  })

  it.each([
    ['a sleep (the clock jumps)', 'resume'],
    ['a network change', 'network'],
  ])('%s reconnects at once', async (_name, kind) => {
    let clockOffset = 0
    let network = 'wifi-1'
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        const accepted = suite.proxy.accepted
        const seen = mail.changed.length
        if (kind === 'resume') clockOffset += 60 * 60_000
        else network = 'wifi-2'
        await mail.waitForChanged((e) => e.accountId === account.id && e.reason === 'reconnect', 'the reconnect notice', seen)
        expect(suite.proxy.accepted).toBeGreaterThan(accepted)
        expect(mail.lastStatus(account.id)?.state).toBe('online')
      },
      {
        options: { wakeCheckMs: 50, wakeJumpMs: 10_000, now: () => Date.now() + clockOffset, networkFingerprint: () => network },
        account: suite.viaProxy(),
      },
    )
  })

  it('a wrong password is AUTH_FAILED in mail.status, without a retry storm, until the account changes', async () => {
    const accepted = suite.proxy.accepted
    await suite.withMail(
      async (mail, account) => {
        const failed = await mail.waitForStatus(account.id, (s) => s.state === 'error', 'the AUTH_FAILED status')
        expect(failed.error).toMatchObject({ code: 'AUTH_FAILED', retryable: false })
        expect(failed.nextPollAt).toBeNull()

        // calls fail at once with the same error instead of trying the server again
        for (let i = 0; i < 3; i++) {
          await expect(mail.call('mail.sync', { accountId: account.id, path: 'INBOX', cursor: null, limit: 10 })).rejects.toMatchObject({ code: 'AUTH_FAILED' })
        }
        // many reconnect periods (200 ms in tests) go by
        await sleep(1_500)
        expect(suite.proxy.accepted - accepted).toBe(1)

        mail.accounts.update(account.id, { password: carol.password })
        await mail.waitOnline(account.id)
      },
      { account: { password: 'wrong', ...suite.viaProxy() } },
    )
  })

  it('a removed account closes its connections; close() ends everything', async () => {
    // connections of the sessions before this one are gone first
    await eventually('an idle proxy', () => suite.proxy.openConnections === 0)
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        await mail.syncAll(account.id, 'INBOX', new FolderReplica(), { backfill: false })
        expect(suite.proxy.openConnections).toBeGreaterThan(0)
        mail.accounts.remove(account.id)
        await eventually('the connections to close', () => suite.proxy.openConnections === 0)
        mail.accounts.add(carol, suite.viaProxy())
        await eventually('a new session', () => suite.proxy.openConnections > 0)
      },
      { account: suite.viaProxy() },
    )
    await eventually('close() to end the connections', () => suite.proxy.openConnections === 0)
  })
})
