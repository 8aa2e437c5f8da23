import { inject } from 'vitest'
import type { AccountId } from '../../src-main/common/domain/account'
import { restartDovecot } from '../servers/harness'
import { FolderReplica } from './support/folder-replica'
import { appendPlain, serverState } from './support/imap-peer'
import type { MailHarness } from './support/mail-harness'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.bob)

describe('faults', () => {
  it('a folder whose SELECT makes the server drop the connection fails alone, after a bounded number of tries', async () => {
    const broken = await suite.folderWith('huge', 3)
    const fine = await suite.folderWith('fine', 3)
    await suite.withMail(
      async (mail, account) => {
        await mail.waitOnline(account.id)
        suite.proxy.cutOnOpen(broken.path)
        const cutsBefore = suite.proxy.cuts

        const failure = mail.call('mail.sync', { accountId: account.id, path: broken.path, cursor: null, limit: 50 })
        await expect(failure).rejects.toMatchObject({
          code: 'FOLDER_UNAVAILABLE',
          message: expect.stringMatching(/closed the connection/),
          details: { path: broken.path, reason: 'server-closed-connection-on-open', attempts: 3 },
        })
        await expect(failure).rejects.toMatchObject({ message: expect.stringContaining(broken.path) })
        expect(suite.proxy.cuts - cutsBefore).toBe(3)

        const status = await mail.waitForStatus(account.id, (s) => s.folderErrors.length > 0, 'the folder error in mail.status')
        expect(status.folderErrors).toEqual([{ path: broken.path, error: expect.objectContaining({ details: expect.objectContaining({ path: broken.path }) }) }])
        expect(status.state).toBe('online')

        // set aside: answered at once, no new connection is cut
        await expect(mail.call('mail.sync', { accountId: account.id, path: broken.path, cursor: null, limit: 50 })).rejects.toMatchObject({ details: { path: broken.path } })
        expect(suite.proxy.cuts - cutsBefore).toBe(3)

        // the other folders keep working
        const replica = new FolderReplica()
        await mail.syncAll(account.id, fine.path, replica)
        expect(replica.uids()).toEqual(fine.uids)
      },
      { options: { folderAttempts: 3, brokenFolderRetryMs: 60 * 60_000 }, account: suite.viaProxy() },
    )
  })

  it('a set-aside folder is tried again later and recovers', async () => {
    const { path } = await suite.folderWith('flaky', 2)
    let clockOffset = 0
    await suite.withMail(
      async (mail, account) => {
        suite.proxy.cutOnOpen(path)
        await expect(mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 50 })).rejects.toMatchObject({ details: { path } })
        suite.proxy.cutOnOpen(null)
        clockOffset += 61_000
        const replica = new FolderReplica()
        await mail.syncAll(account.id, path, replica)
        expect(replica.messages.size).toBe(2)
        await mail.waitForStatus(account.id, (s) => s.folderErrors.length === 0, 'the folder error cleared')
      },
      {
        options: { folderAttempts: 2, brokenFolderRetryMs: 60_000, now: () => Date.now() + clockOffset, wakeJumpMs: 24 * 60 * 60_000 },
        account: suite.viaProxy(),
      },
    )
  })

  it('Dovecot restarted in the middle of a sync: a later sync converges with nothing lost or repeated', async () => {
    const { path } = await suite.folderWith('restart', 400)
    await suite.withMail(async (mail, account) => {
      await mail.waitOnline(account.id)
      const replica = new FolderReplica()
      replica.apply(await mail.call('mail.sync', { accountId: account.id, path, cursor: null, limit: 50 }))

      // backfill runs in small batches while Dovecot goes down and comes back; every failure must be retryable
      const errors: string[] = []
      let restarted = false
      const restarting = restartDovecot(servers.dir).finally(() => (restarted = true))
      await backfillUntilDone(mail, account.id, path, replica, errors, () => restarted)
      await restarting
      await mail.waitOnline(account.id)
      await mail.waitForChanged((e) => e.accountId === account.id && e.reason === 'reconnect', 'the reconnect notice')

      // more changes after the restart, then one more sync
      await suite.reconnectPeer()
      await suite.peer.mailboxOpen(path)
      await suite.peer.messageFlagsAdd('1:5', ['\\Seen'], { uid: true })
      await suite.peer.messageDelete('6:8', { uid: true })
      await appendPlain(suite.peer, path, 3, 1000)
      await syncUntilDone(mail, account.id, path, replica, errors)

      const server = await serverState(suite.peer, path)
      expect(replica.uids()).toEqual(server.uids)
      expect(replica.flags()).toEqual(server.flags)
      expect(replica.repeated).toEqual([])
      expect(errors.every((code) => code === 'OFFLINE' || code === 'CONNECTION_REFUSED')).toBe(true)
    })
  })
})

/** What the store's coordinator does: call again after a retryable error. */
async function retrying<T>(errors: string[], call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      const { code, retryable } = error as { code: string; retryable: boolean }
      errors.push(code)
      if (!retryable || attempt > 50) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

/** Backfills in small batches, one every 50 ms (the restart takes ~10 s here), until `hurry` says so; then in large ones. */
async function backfillUntilDone(mail: MailHarness, accountId: AccountId, path: string, replica: FolderReplica, errors: string[], hurry: () => boolean): Promise<void> {
  while (!replica.cursor?.backfillDone) {
    const cursor = replica.cursor!
    const limit = hurry() ? 100 : 1
    replica.apply(await retrying(errors, () => mail.call('mail.backfill', { accountId, path, cursor, limit })))
    if (!hurry()) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function syncUntilDone(mail: MailHarness, accountId: AccountId, path: string, replica: FolderReplica, errors: string[]): Promise<void> {
  for (let more = true; more; ) {
    const delta = await retrying(errors, () => mail.call('mail.sync', { accountId, path, cursor: replica.cursor, limit: 50 }))
    replica.apply(delta)
    more = delta.more
  }
}
