import type { ImapFlow } from 'imapflow'
import { QuireError } from '../common/contract'
import { closeImapClient } from './imap-client'

interface Entry {
  client: ImapFlow
  busy: boolean
  idleTimer: NodeJS.Timeout | null
}

interface Waiter {
  path: string | null
  resolve: (entry: Entry) => void
  reject: (error: unknown) => void
}

export interface ConnectionPoolOptions {
  /** at most this many connections at once */
  size: number
  /** opens and logs in one connection */
  connect: () => Promise<ImapFlow>
  /** an unused connection is logged out after this long */
  idleCloseMs: number
}

/**
 * The connections one account uses for sync, fetch and tasks. A caller gets a connection to itself
 * for the length of `use`; a connection that already has the caller's folder selected is preferred,
 * so that folder is not selected again (on Dovecot a SELECT rescans the folder).
 */
export class ConnectionPool {
  private readonly entries = new Set<Entry>()
  private readonly waiters: Waiter[] = []
  private connecting = 0
  private closed = false

  constructor(private readonly options: ConnectionPoolOptions) {}

  /** Runs `work` on a connection of its own; `signal` cancels the wait and, once working, closes the connection (the only way to stop an IMAP command). */
  async use<T>(path: string | null, signal: AbortSignal | undefined, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const entry = await this.acquire(path, signal)
    const abort = () => entry.client.close()
    signal?.addEventListener('abort', abort, { once: true })
    try {
      return await work(entry.client)
    } finally {
      signal?.removeEventListener('abort', abort)
      this.release(entry)
    }
  }

  /**
   * Closes every connection; work in progress fails. With `final`, the pool takes no more work.
   * With `logout`, idle connections say LOGOUT first (briefly); without, every socket closes at
   * once, so a session that replaces this one never overlaps it beyond `maxConnections`.
   */
  async drain({ final, logout }: { final: boolean; logout: boolean }): Promise<void> {
    if (final) {
      this.closed = true
      for (const waiter of this.waiters.splice(0)) waiter.reject(new QuireError('CANCELLED', { message: 'The account was closed.' }))
    }
    const entries = [...this.entries]
    this.entries.clear()
    await Promise.all(
      entries.map((entry) => {
        if (entry.idleTimer) clearTimeout(entry.idleTimer)
        return entry.busy || !logout ? entry.client.close() : closeImapClient(entry.client)
      }),
    )
  }

  private async acquire(path: string | null, signal: AbortSignal | undefined): Promise<Entry> {
    if (this.closed) throw new QuireError('CANCELLED', { message: 'The account was closed.' })
    signal?.throwIfAborted()
    const free = this.take(path)
    if (free) return free
    if (this.entries.size + this.connecting < this.options.size) return await this.open()
    return await new Promise<Entry>((resolve, reject) => {
      const waiter: Waiter = { path, resolve, reject }
      this.waiters.push(waiter)
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiters.indexOf(waiter)
          if (index >= 0) this.waiters.splice(index, 1)
          reject(new QuireError('CANCELLED'))
        },
        { once: true },
      )
    })
  }

  /** A free, usable connection, preferably with `path` selected. */
  private take(path: string | null): Entry | undefined {
    let chosen: Entry | undefined
    for (const entry of [...this.entries]) {
      if (entry.busy) continue
      if (!entry.client.usable) {
        this.discard(entry)
        continue
      }
      const mailbox = entry.client.mailbox
      if (!chosen || (path !== null && mailbox && mailbox.path === path)) chosen = entry
    }
    if (chosen) this.claim(chosen)
    return chosen
  }

  private async open(): Promise<Entry> {
    if (this.closed) throw new QuireError('CANCELLED', { message: 'The account was closed.' })
    this.connecting++
    let client: ImapFlow
    try {
      client = await this.options.connect()
    } finally {
      this.connecting--
    }
    const entry: Entry = { client, busy: true, idleTimer: null }
    if (this.closed) {
      await closeImapClient(client)
      throw new QuireError('CANCELLED', { message: 'The account was closed.' })
    }
    this.entries.add(entry)
    return entry
  }

  private claim(entry: Entry): void {
    entry.busy = true
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = null
  }

  private release(entry: Entry): void {
    entry.busy = false
    if (!this.entries.has(entry)) return this.serveWaiter()
    if (!entry.client.usable) {
      this.discard(entry)
      return this.serveWaiter()
    }
    const waiter = this.waiters.find((w) => w.path !== null && entry.client.mailbox && entry.client.mailbox.path === w.path) ?? this.waiters[0]
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      this.claim(entry)
      waiter.resolve(entry)
      return
    }
    entry.idleTimer = setTimeout(() => this.discard(entry), this.options.idleCloseMs)
    entry.idleTimer.unref()
  }

  private discard(entry: Entry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    this.entries.delete(entry)
    void closeImapClient(entry.client)
  }

  /** A connection went away: a waiter may open a new one in its place. */
  private serveWaiter(): void {
    const waiter = this.waiters.shift()
    if (!waiter) return
    this.open().then(waiter.resolve, waiter.reject)
  }
}
