import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import type { DavAccount } from '../common/domain/dav-account'
import { createDavClient, type DavClient, type DavClientOptions, type DavDiscovery, type DavService } from './dav-client'

/** What the CalDAV and CardDAV services need of the DAV account registry. */
export interface DavAccountSource {
  get(id: AccountId): DavAccount
  password(id: AccountId): Promise<string>
  onChange(listener: (accounts: DavAccount[]) => void): () => void
}

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

/**
 * Signs in to one account's server for one service: its password from secure storage, a client,
 * and RFC 6764 discovery of the principal and its home collections. A service the user turned off
 * for the account is refused before anything is sent.
 */
export async function discoverAccount(
  accounts: DavAccountSource,
  accountId: AccountId,
  service: DavService,
  options: DavClientOptions,
  signal?: AbortSignal,
): Promise<{ client: DavClient; discovery: DavDiscovery }> {
  const account = accounts.get(accountId)
  const on = service === 'caldav' ? account.calendars : account.contacts
  if (!on) throw new QuireError('BAD_INPUT', { message: `${service === 'caldav' ? 'Calendars' : 'Contacts'} are turned off for ${account.name}.` })
  const password = await accounts.password(accountId)
  const client = createDavClient({ serverUrl: account.serverUrl, username: account.username, password }, service, {
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.lookup ? { lookup: options.lookup } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.srv !== undefined ? { srv: options.srv } : {}),
  })
  return { client, discovery: await client.discover(signal) }
}
