import type { ImapFlow } from 'imapflow'
import { setTimeout as sleep } from 'node:timers/promises'
import { QuireError } from '../common/contract'
import type { Account } from '../common/domain/account'
import type { Folder } from '../common/domain/mail'
import type { AccountAccess } from '../accounts/account-access'
import { backoffDelay } from './backoff'
import { ConnectionPool } from './connection-pool'
import { FolderHealth } from './folder-health'
import { listFolders } from './folder-list'
import { FolderDroppedError, openFolder, type OpenFolder, type QresyncParameters } from './folder-open'
import { FolderPoller } from './folder-poller'
import { startNotify } from './mailbox-notify'
import { closeImapClient, createImapClient } from './imap-client'
import { toMailError } from './mail-errors'
import type { MailChanged, MailEvents, MailStatus } from './mail-events'
import type { ResolvedMailServiceOptions } from './mail-service-options'

/** A listener connection that lived this long was fine: the next loss starts the backoff from the beginning. */
const STABLE_CONNECTION_MS = 60_000
/** After a command, how soon the listener goes back to IDLE. */
const LISTENER_IDLE_DELAY_MS = 500

export interface AccountSessionDeps {
  accounts: AccountAccess
  options: ResolvedMailServiceOptions
  events: MailEvents
}

/**
 * Everything one account keeps open: a listener connection (IDLE on INBOX, RFC 2177; the other
 * folders pushed by NOTIFY, RFC 5465, where the server has it, else STATUS polls) and a pool for sync, fetch and tasks, together never more than
 * `account.maxConnections`. With a single connection allowed there is no listener: every folder,
 * INBOX too, is polled through the pool.
 */
export class AccountSession {
  private readonly pool: ConnectionPool
  private readonly health: FolderHealth
  private readonly poller: FolderPoller
  private readonly listens: boolean
  private readonly lifetime = new AbortController()
  /** each folder's UIDVALIDITY as last seen by a SELECT or a STATUS poll, see openFolder() */
  private readonly currentUidValidity = new Map<string, string>()

  private state: MailStatus['state'] = 'connecting'
  private error: QuireError | null = null
  private nextPollAt: number | null = null
  private lastStatus = ''

  private listener: ImapFlow | null = null
  private listenerConnecting = false
  private reconnectAttempt = 0
  private reconnectTimer: NodeJS.Timeout | null = null
  private pollTimer: NodeJS.Timeout | null = null
  private polling = false
  /** the listener's server pushes changes of every folder (NOTIFY): no polling while it lasts */
  private notifying = false
  /** set when the connection was lost: the next success tells the store to resync INBOX */
  private owesReconnectNotice = false

  constructor(
    readonly account: Account,
    private readonly deps: AccountSessionDeps,
  ) {
    const { options } = deps
    this.listens = account.maxConnections >= 2
    this.health = new FolderHealth({
      attempts: options.folderAttempts,
      retry: options.folderRetry,
      brokenRetryMs: options.brokenFolderRetryMs,
      now: options.now,
      onChange: () => this.publishStatus(),
    })
    this.poller = new FolderPoller(this.health, {
      changed: (path, reason) => this.changed(path, reason),
      uidValidity: (path, uidValidity) => this.currentUidValidity.set(path, uidValidity),
    })
    this.pool = new ConnectionPool({
      size: this.listens ? account.maxConnections - 1 : 1,
      connect: () => this.connect('pool'),
      idleCloseMs: options.poolIdleCloseMs,
    })
  }

  start(): void {
    this.publishStatus()
    if (this.listens) void this.runListener()
    else this.schedulePoll(0)
  }

  /**
   * Ends every connection and timer of the account. With `logout` (the app quits) connections say
   * LOGOUT first; without (the account changed) they close at once, before the next session opens its own.
   */
  async close({ logout }: { logout: boolean }): Promise<void> {
    this.lifetime.abort()
    this.clearTimers()
    const listener = this.listener
    this.listener = null
    if (listener && !logout) listener.close()
    await Promise.all([listener && logout ? closeImapClient(listener) : undefined, this.pool.drain({ final: true, logout })])
  }

  /** The machine woke up or its network changed: sockets from before are probably dead without knowing it. */
  wake(): void {
    if (this.lifetime.signal.aborted || this.stopped()) return
    this.reconnectAttempt = 0
    this.owesReconnectNotice = true
    void this.pool.drain({ final: false, logout: false })
    if (this.listens) {
      const listener = this.listener
      this.listener = null
      listener?.close()
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
      void this.runListener()
    } else {
      this.schedulePoll(0)
    }
  }

  /** AUTH_FAILED, an untrusted certificate …: retrying cannot help until the account changes. */
  stopped(): boolean {
    return this.state === 'error' && this.error !== null && !this.error.retryable
  }

  status(): MailStatus {
    return {
      accountId: this.account.id,
      state: this.state,
      error: this.error ? this.error.toShape() : null,
      folderErrors: this.health.errors(),
      nextPollAt: this.nextPollAt,
      watch: { mode: !this.listens ? 'poll' : this.notifying ? 'notify' : 'idle-poll', pollSeconds: this.pollIntervalMs() / 1000 },
    }
  }

  private pollIntervalMs(): number {
    return this.deps.options.pollIntervalMs ?? this.account.pollIntervalSeconds * 1000
  }

  async folders(signal: AbortSignal): Promise<Folder[]> {
    try {
      return await this.withConnection(signal, (client) => listFolders(client, { counts: true }))
    } catch (error) {
      // counts make the server look into every folder; one it cannot handle must not hide the tree
      if (!(error instanceof QuireError) || error.code !== 'OFFLINE') throw error
      return await this.withConnection(signal, (client) => listFolders(client, { counts: false }))
    }
  }

  async withConnection<T>(signal: AbortSignal, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    this.assertReachable()
    try {
      return await this.pool.use(null, this.linked(signal), async (client) => {
        try {
          return await work(client)
        } catch (error) {
          throw toMailError(error, this.account, { client })
        }
      })
    } catch (error) {
      throw this.noteFailure(error)
    }
  }

  /**
   * Runs `work` with `path` selected on a pooled connection. A folder whose SELECT makes the server
   * drop the connection is retried a bounded number of times with backoff, then set aside with a
   * per-folder error (shown in `mail.status`) while the other folders keep working.
   */
  async withFolder<T>(path: string, signal: AbortSignal, qresync: QresyncParameters | null, work: (client: ImapFlow, folder: OpenFolder) => Promise<T>): Promise<T> {
    const linked = this.linked(signal)
    for (;;) {
      this.assertReachable()
      this.health.assertOpenable(path)
      try {
        return await this.pool.use(path, linked, async (client) => {
          let folder: OpenFolder
          try {
            folder = await openFolder(client, path, { qresync, currentUidValidity: this.currentUidValidity.get(path) ?? null })
          } catch (error) {
            throw error instanceof FolderDroppedError ? error : toMailError(error, this.account, { client, path })
          }
          this.health.recordSuccess(path)
          if (folder.selected) this.currentUidValidity.set(path, folder.uidValidity)
          try {
            return await work(client, folder)
          } catch (error) {
            throw toMailError(error, this.account, { client, path })
          }
        })
      } catch (error) {
        if (!(error instanceof FolderDroppedError)) throw this.noteFailure(error)
      }
      const wait = this.health.recordDrop(path)
      if (wait === null) this.health.assertOpenable(path)
      try {
        await sleep(wait ?? 0, undefined, { signal: linked, ref: false })
      } catch {
        throw new QuireError('CANCELLED')
      }
    }
  }

  private assertReachable(): void {
    if (this.lifetime.signal.aborted) throw new QuireError('CANCELLED', { message: 'The account was closed.' })
    if (this.stopped() && this.error) throw this.error
  }

  /** A connection-level error that retrying cannot fix stops the account until it changes. */
  private noteFailure(error: unknown): QuireError {
    const mapped = toMailError(error, this.account)
    if (mapped.code === 'AUTH_FAILED' || mapped.code === 'TLS_UNTRUSTED') this.fail(mapped)
    if (this.lifetime.signal.aborted && mapped.code !== 'CANCELLED') return new QuireError('CANCELLED', { message: 'The account was closed.' })
    return mapped
  }

  private linked(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.lifetime.signal])
  }

  private async connect(role: 'listener' | 'pool'): Promise<ImapFlow> {
    const { accounts, options } = this.deps
    const ignored = new Set(options.ignoreCapabilities.map((c) => c.toUpperCase()))
    const password = await accounts.password(this.account.id)
    const client = createImapClient(this.account, password, accounts.tlsOptions(this.account.imap.host, this.account.imap.port), {
      // ENABLE happens inside connect(), so an ignored extension must not be enabled in the first place
      ...(ignored.has('QRESYNC') || ignored.has('CONDSTORE') ? { qresync: false } : {}),
      ...(ignored.has('CONDSTORE') ? { disableAutoEnable: true } : {}),
      ...(role === 'listener' ? { autoIdleDelay: LISTENER_IDLE_DELAY_MS, maxIdleTime: options.idleRestartMs } : { disableAutoIdle: true }),
    })
    // imapflow emits at most one 'error' before 'close'; commands report their own failures
    client.on('error', () => undefined)
    try {
      await client.connect()
    } catch (error) {
      client.close()
      throw toMailError(error, this.account)
    }
    for (const name of ignored) {
      client.capabilities.delete(name)
      client.enabled.delete(name)
    }
    return client
  }

  private async runListener(): Promise<void> {
    this.reconnectTimer = null
    // one attempt at a time: two would briefly hold one connection more than maxConnections allows
    if (this.lifetime.signal.aborted || this.stopped() || this.listenerConnecting) return
    this.setState(this.state === 'online' ? 'online' : 'connecting', this.error)
    let client: ImapFlow
    this.listenerConnecting = true
    try {
      client = await this.connect('listener')
    } catch (error) {
      this.listenerLost(toMailError(error, this.account))
      return
    } finally {
      this.listenerConnecting = false
    }
    if (this.lifetime.signal.aborted || this.listener) {
      client.close()
      return
    }
    this.listener = client
    const connectedAt = this.deps.options.now()
    client.on('close', () => {
      if (this.listener !== client) return
      this.listener = null
      if (this.deps.options.now() - connectedAt >= STABLE_CONNECTION_MS) this.reconnectAttempt = 0
      this.listenerLost(toMailError(Object.assign(new Error('Connection closed'), { code: 'ECONNRESET' }), this.account))
    })
    client.on('exists', (event) => event.path === 'INBOX' && this.changed('INBOX', 'exists'))
    client.on('expunge', (event) => event.path === 'INBOX' && this.changed('INBOX', 'expunge'))
    client.on('flags', (event) => event.path === 'INBOX' && this.changed('INBOX', 'flags'))
    let notifying: boolean
    try {
      notifying = await startNotify(client, {
        changed: (path) => this.changed(path, 'notify'),
        uidValidity: (path, uidValidity) => this.currentUidValidity.set(path, uidValidity),
        folderListed: (path, oldPath) => {
          // a folder deleted and created again: only a new SELECT shows it (see openFolder)
          this.currentUidValidity.delete(path)
          this.changed(path, 'folders')
          if (oldPath !== null) this.changed(oldPath, 'folders')
        },
      })
    } catch {
      return // the connection dropped: 'close' schedules the reconnect
    }
    if (this.listener !== client) return
    this.notifying = notifying
    if (!this.health.isSetAside('INBOX')) {
      try {
        // auto-IDLE starts once SELECT is done (RFC 2177: IDLE reports changes to the selected folder)
        await client.mailboxOpen('INBOX')
        this.health.recordSuccess('INBOX')
      } catch {
        // a refusal leaves the listener without IDLE on INBOX; a dropped connection is the folder's doing
        if (!client.usable) {
          this.health.recordDrop('INBOX')
          return // 'close' schedules the reconnect
        }
      }
    }
    if (this.listener !== client) return
    this.online()
    if (this.notifying) this.stopPolling()
    else void this.poll()
  }

  /** NOTIFY took over from the poller. */
  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = null
    this.nextPollAt = null
    this.publishStatus()
  }

  private listenerLost(error: QuireError): void {
    if (this.lifetime.signal.aborted) return
    this.notifying = false
    this.owesReconnectNotice = true
    if (!error.retryable) {
      this.fail(error)
      return
    }
    this.setState('offline', error)
    const delay = backoffDelay(this.reconnectAttempt++, this.deps.options.reconnect)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => void this.runListener(), delay)
    this.reconnectTimer.unref()
  }

  private online(): void {
    this.setState('online', null)
    if (this.owesReconnectNotice) this.changed('INBOX', 'reconnect')
    this.owesReconnectNotice = false
  }

  private fail(error: QuireError): void {
    this.clearTimers()
    this.nextPollAt = null
    const listener = this.listener
    this.listener = null
    if (listener) void closeImapClient(listener)
    this.setState('error', error)
  }

  private schedulePoll(delayMs: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = null
    if (this.lifetime.signal.aborted || this.stopped()) return
    this.nextPollAt = this.deps.options.now() + delayMs
    this.publishStatus()
    this.pollTimer = setTimeout(() => void this.poll(), delayMs)
    this.pollTimer.unref()
  }

  /** One round of STATUS polls; then the next is scheduled (sooner, with backoff, when the account is unreachable without a listener). */
  private async poll(): Promise<void> {
    if (this.polling || this.lifetime.signal.aborted || (this.listens && this.notifying)) return
    this.polling = true
    let nextDelay = this.pollIntervalMs()
    try {
      if (this.listens) {
        const listener = this.listener
        if (listener?.usable) await this.poller.round(listener, { includeInbox: false })
      } else {
        await this.pool.use(null, this.lifetime.signal, (client) => this.poller.round(client, { includeInbox: true }))
        this.reconnectAttempt = 0
        this.online()
      }
    } catch (error) {
      // with a listener, its 'close' handler takes care of reconnecting
      if (!this.listens && !this.lifetime.signal.aborted) {
        const mapped = toMailError(error, this.account)
        this.owesReconnectNotice = true
        if (!mapped.retryable) this.fail(mapped)
        else {
          this.setState('offline', mapped)
          nextDelay = Math.min(nextDelay, backoffDelay(this.reconnectAttempt++, this.deps.options.reconnect))
        }
      }
    } finally {
      this.polling = false
    }
    if (!this.stopped() && !(this.listens && this.notifying)) this.schedulePoll(nextDelay)
  }

  private changed(path: string, reason: MailChanged['reason']): void {
    this.deps.events.changed({ accountId: this.account.id, path, reason })
  }

  private setState(state: MailStatus['state'], error: QuireError | null): void {
    this.state = state
    this.error = error
    this.publishStatus()
  }

  private publishStatus(): void {
    if (this.lifetime.signal.aborted) return
    const status = this.status()
    const key = JSON.stringify(status)
    if (key === this.lastStatus) return
    this.lastStatus = key
    this.deps.events.status(status)
  }

  private clearTimers(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.reconnectTimer = null
    this.pollTimer = null
  }
}
