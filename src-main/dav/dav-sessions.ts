import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'

/** Failures after which the next request starts over with discovery and a fresh password. */
const STALE_SESSION = new Set(['AUTH_FAILED', 'NOT_FOUND', 'HOST_NOT_FOUND', 'TLS_UNTRUSTED'])

/**
 * One discovered session per DAV account, opened on first use and shared by concurrent requests;
 * a failure that rediscovery may cure (or any settings change, via `clear`) drops it. Generic over
 * what a session holds, so CalDAV and CardDAV can both keep theirs here.
 */
export class DavSessions<S> {
  private readonly sessions = new Map<AccountId, Promise<S>>()

  constructor(private readonly open: (accountId: AccountId, signal?: AbortSignal) => Promise<S>) {}

  clear(): void {
    this.sessions.clear()
  }

  async with<T>(accountId: AccountId, signal: AbortSignal | undefined, work: (session: S) => Promise<T>): Promise<T> {
    const pending = this.session(accountId, signal)
    try {
      return await work(await pending)
    } catch (error) {
      if (error instanceof QuireError && STALE_SESSION.has(error.code) && this.sessions.get(accountId) === pending) this.sessions.delete(accountId)
      throw error
    }
  }

  private session(accountId: AccountId, signal?: AbortSignal): Promise<S> {
    const existing = this.sessions.get(accountId)
    if (existing) return existing
    const created = this.open(accountId, signal)
    this.sessions.set(accountId, created)
    created.catch(() => this.sessions.get(accountId) === created && this.sessions.delete(accountId))
    return created
  }
}
