import type { ImapFlow } from 'imapflow'
import { IdleCollection } from './idle-collection'
import { QuireError } from '../common/contract'
import type { Account, AccountId } from '../common/domain/account'
import type { AccountAccess } from '../accounts/account-access'
import type { Handlers } from '../rpc/router'
import type { SmimeService } from '../smime'
import { AccountSession } from './account-session'
import { downloadAttachment } from './attachment-download'
import { downloadDecryptedAttachment, isDecryptedPartId } from './decrypted-attachments'
import { backfillFolder } from './folder-backfill'
import { initialSync, qresyncParametersOf, syncFolder } from './folder-sync'
import { MailEvents } from './mail-events'
import { resolveMailServiceOptions, type MailServiceOptions } from './mail-service-options'
import { applyTask } from './mail-tasks'
import { fetchMessageBody } from './message-body'
import { searchServer } from './server-search'
import { watchWake } from './wake-detector'

export type { MailServiceOptions } from './mail-service-options'

export type MailHandlers = Pick<Handlers, 'mail.folders' | 'mail.sync' | 'mail.backfill' | 'mail.body' | 'mail.attachment' | 'mail.apply' | 'mail.changed' | 'mail.status' | 'mail.searchServer'>

/** What another service in main may do over an account's IMAP connections (compose files Sent and Drafts this way). */
export interface ImapAccess {
  /** Runs `work` on one of the account's pooled connections, with `path` selected when given; errors come back typed. */
  withImap<T>(accountId: AccountId, path: string | null, signal: AbortSignal, work: (client: ImapFlow) => Promise<T>): Promise<T>
  /** Tells the store that `path` changed (as IDLE would), so it syncs the folder now rather than at the next poll. */
  changed(accountId: AccountId, path: string): void
}

export interface MailService extends ImapAccess {
  handlers: MailHandlers
  /** Ends every connection, timer and subscription. */
  close(): Promise<void>
}

/**
 * The mail engine: one session per account (listener + pool), started for every account and
 * following `accounts.onChange`, and the `mail.*` procedures and events on top of them.
 */
export function createMailService(
  accounts: AccountAccess,
  { smime, ...serviceOptions }: MailServiceOptions & { /** opens S/MIME messages for `mail.body` */ smime?: Pick<SmimeService, 'read' | 'cacheDecrypted'> | undefined } = {},
): MailService {
  const options = resolveMailServiceOptions(serviceOptions)
  const events = new MailEvents(options.changeCoalesceMs)
  const sessions = new Map<AccountId, AccountSession>()
  let closed = false

  const startSession = (account: Account) => {
    const session = new AccountSession(account, { accounts, options, events })
    sessions.set(account.id, session)
    session.start()
  }

  const follow = (list: Account[]) => {
    if (closed) return
    const current = new Map(list.map((account) => [account.id, account]))
    for (const [id, session] of sessions) {
      const account = current.get(id)
      // a stopped session (wrong password …) starts over on any change: the password may be what changed
      if (account && JSON.stringify(account) === JSON.stringify(session.account) && !session.stopped()) continue
      sessions.delete(id)
      void session.close({ logout: false })
    }
    for (const account of list) if (!sessions.has(account.id)) startSession(account)
  }

  /** The session of a known account (accounts.get throws NOT_FOUND for others). */
  const sessionOf = (accountId: AccountId): AccountSession => {
    if (closed) throw new QuireError('CANCELLED', { message: 'Mail is shutting down.' })
    const account = accounts.get(accountId)
    const existing = sessions.get(accountId)
    if (existing) return existing
    startSession(account)
    return sessions.get(accountId) as AccountSession
  }

  follow(accounts.list())
  const stopFollowing = accounts.onChange(follow)
  const stopWatching = watchWake({
    intervalMs: options.wakeCheckMs,
    jumpMs: options.wakeJumpMs,
    now: options.now,
    networkFingerprint: options.networkFingerprint,
    onWake: () => {
      for (const session of sessions.values()) session.wake()
    },
  })

  // the garbage of starting and of a large sync is collected once main is quiet (see IdleCollection)
  const idle = new IdleCollection()
  idle.noteStarted()
  const synced = <T extends { added: readonly unknown[] }>(delta: T): T => {
    idle.noteSynced(delta.added.length)
    return delta
  }

  const handlers: MailHandlers = {
    'mail.folders': ({ accountId }, { signal }) => sessionOf(accountId).folders(signal),
    'mail.sync': ({ accountId, path, cursor, limit }, { signal }) =>
      sessionOf(accountId)
        .withFolder(path, signal, qresyncParametersOf(cursor), (client, folder) =>
          // RFC 3501 §2.3.1.1: another UIDVALIDITY means every cached UID is meaningless
          cursor && cursor.uidValidity === folder.uidValidity ? syncFolder(client, folder, cursor, limit) : initialSync(client, folder, limit),
        )
        .then(synced),
    'mail.backfill': ({ accountId, path, cursor, limit, since }, { signal }) =>
      sessionOf(accountId)
        .withFolder(path, signal, null, (client, folder) => backfillFolder(client, folder, cursor, limit, since))
        .then(synced),
    'mail.body': ({ accountId, path, uid }, { signal }) =>
      sessionOf(accountId).withFolder(path, signal, null, (client) => fetchMessageBody(client, uid, { maxInlineImageBytes: options.maxInlineImageBytes }, smime)),
    'mail.attachment': ({ accountId, path, uid, partId }, { signal }) =>
      sessionOf(accountId).withFolder(path, signal, null, (client) =>
        isDecryptedPartId(partId) ? downloadDecryptedAttachment(client, uid, partId, options.maxAttachmentBytes, smime) : downloadAttachment(client, uid, partId, options.maxAttachmentBytes),
      ),
    'mail.apply': async ({ accountId, task }, { signal }) => {
      await sessionOf(accountId).withFolder(task.path, signal, null, (client) => applyTask(client, task))
      return {}
    },
    'mail.searchServer': (input, { signal }) => searchServer(sessionOf(input.accountId), input, signal),
    'mail.changed': (_input, emit) => events.onChanged(emit),
    'mail.status': (_input, emit) => {
      const stop = events.onStatus(emit)
      for (const session of sessions.values()) emit(session.status())
      return stop
    },
  }

  return {
    handlers,
    withImap: (accountId, path, signal, work) =>
      path === null ? sessionOf(accountId).withConnection(signal, work) : sessionOf(accountId).withFolder(path, signal, null, (client) => work(client)),
    changed: (accountId, path) => events.changed({ accountId, path, reason: 'exists' }),
    async close() {
      closed = true
      idle.close()
      stopFollowing()
      stopWatching()
      const all = [...sessions.values()]
      sessions.clear()
      await Promise.all(all.map((session) => session.close({ logout: true })))
      events.close()
    },
  }
}
