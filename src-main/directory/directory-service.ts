import type { Client, Entry } from 'ldapts'
import { QuireError, type ErrorShape } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import type { Directory, DirectoryEntry, DirectorySettings } from '../common/domain/directory'
import type { DirectoryRegistry } from './directory-registry'
import { isGroup, memberDns, requestedAttributes, searchFilter, toDirectoryEntry } from './directory-entries'
import { openLdap, serverOf, type TlsFor } from './ldap-connection'
import { toDirectoryError } from './ldap-errors'

/** An open connection is reused while the user types, and closed after this long unused. */
const IDLE_MS = 60_000
/** Nested groups are followed this deep, and an expansion stops after this many members. */
const MAX_DEPTH = 5
const MAX_MEMBERS = 500

interface Pooled {
  client: Promise<Client>
  idle: ReturnType<typeof setTimeout> | undefined
}

export interface SearchResult {
  entries: DirectoryEntry[]
  failures: { directoryId: AccountId; name: string; error: ErrorShape }[]
}

/**
 * Looks people and groups up in the user's LDAP directories. Every search runs against all
 * directories at once, each bounded by its own time-out: a directory that is down or silent
 * costs at most that long and is reported, while the others' results still come back (the
 * renderer never waits on it to show local matches). One connection per directory is kept open
 * while it is in use; any failure or settings change drops it.
 */
export class DirectoryService {
  private readonly pool = new Map<AccountId, Pooled>()
  private readonly unsubscribe: () => void

  constructor(
    private readonly registry: DirectoryRegistry,
    private readonly tls: TlsFor,
  ) {
    this.unsubscribe = registry.onChange(() => this.closeAll())
  }

  close(): void {
    this.unsubscribe()
    this.closeAll()
  }

  async search(query: string, limit: number, signal?: AbortSignal): Promise<SearchResult> {
    const directories = this.registry.list()
    const results = await Promise.all(
      directories.map(async (directory) => {
        try {
          return { entries: await this.bounded(directory, signal, (client) => this.searchOne(client, directory, query, limit)) }
        } catch (error) {
          return { failure: { directoryId: directory.id, name: directory.name, error: toDirectoryError(error, serverOf(directory.url)).toShape() } }
        }
      }),
    )
    const entries = results.flatMap((r) => r.entries ?? [])
    return {
      entries: entries.slice(0, limit),
      failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    }
  }

  /** One entry with its photo and certificates. */
  async entry(directoryId: AccountId, dn: string, signal?: AbortSignal): Promise<DirectoryEntry> {
    const directory = this.registry.get(directoryId)
    return this.bounded(directory, signal, async (client) => {
      const found = await this.read(client, directory, dn, true)
      if (!found) throw new QuireError('NOT_FOUND', { message: 'The directory no longer has this entry.' })
      return toDirectoryEntry(directory.id, found, directory.attributes)
    })
  }

  /** The people in a group, nested groups followed (each once), up to MAX_MEMBERS. */
  async expand(directoryId: AccountId, dn: string, signal?: AbortSignal): Promise<{ members: DirectoryEntry[]; unresolved: string[]; truncated: boolean }> {
    const directory = this.registry.get(directoryId)
    // expanding may read many entries: allow it several time-outs' worth
    return this.bounded(
      directory,
      signal,
      async (client) => {
        const members: DirectoryEntry[] = []
        const unresolved: string[] = []
        const seen = new Set<string>([dn.toLowerCase()])
        let queue: string[] = [dn]
        let truncated = false
        for (let depth = 0; depth <= MAX_DEPTH && queue.length; depth++) {
          const next: string[] = []
          for (const groupDn of queue) {
            const group = await this.read(client, directory, groupDn, false, true)
            if (!group) {
              unresolved.push(groupDn)
              continue
            }
            for (const memberDn of memberDns(group, directory.attributes)) {
              if (seen.has(memberDn.toLowerCase())) continue
              seen.add(memberDn.toLowerCase())
              if (members.length >= MAX_MEMBERS) {
                truncated = true
                break
              }
              const member = await this.read(client, directory, memberDn, false, true).catch(() => undefined)
              if (!member) unresolved.push(memberDn)
              else if (isGroup(member)) next.push(memberDn)
              else members.push(toDirectoryEntry(directory.id, member, directory.attributes, 'person'))
            }
          }
          queue = next
        }
        return { members, unresolved, truncated }
      },
      4,
    )
  }

  /** S/MIME certificates (DER, base64) the directories publish for an address. */
  async certificatesFor(email: string, signal?: AbortSignal): Promise<string[]> {
    const { entries } = await this.search(email, 5, signal)
    const wanted = email.trim().toLowerCase()
    const matching = entries.filter((e) => e.kind === 'person' && e.emails.some((m) => m.toLowerCase() === wanted))
    const full = await Promise.all(matching.map((e) => this.entry(e.directoryId, e.dn, signal).catch(() => e)))
    return [...new Set(full.flatMap((e) => e.certificates))]
  }

  /** Connects with these settings (a draft in Settings), binds and runs one search; nothing is kept. */
  async test(settings: DirectorySettings, password: string | undefined): Promise<void> {
    const client = await openLdap(settings, password, this.tls, settings.timeoutSeconds * 1000)
    try {
      await client.search(settings.baseDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'], timeLimit: settings.timeoutSeconds })
    } catch (error) {
      throw toDirectoryError(error, serverOf(settings.url))
    } finally {
      await client.unbind().catch(() => {})
    }
  }

  private async searchOne(client: Client, directory: Directory, query: string, limit: number): Promise<DirectoryEntry[]> {
    const { attributes } = directory
    const sizeLimit = Math.min(limit, directory.sizeLimit)
    const run = async (kind: 'person' | 'group') => {
      const requested = requestedAttributes(attributes, false)
      const wanted = kind === 'group' ? [...requested.attributes, attributes.member, 'uniqueMember'] : requested.attributes
      // with a size limit set, ldapts returns the entries found when the server stops at it (RFC 4511 §4.5.1: sizeLimitExceeded)
      const { searchEntries } = await client.search(directory.baseDn, {
        scope: 'sub',
        filter: searchFilter(query, attributes, kind),
        attributes: [...new Set(wanted.filter(Boolean))],
        sizeLimit,
        timeLimit: directory.timeoutSeconds,
      })
      return searchEntries.map((e) => toDirectoryEntry(directory.id, e, attributes, kind))
    }
    const [people, groups] = await Promise.all([run('person'), run('group')])
    return [...people, ...groups]
  }

  private async read(client: Client, directory: Directory, dn: string, full: boolean, members = false): Promise<Entry | undefined> {
    const requested = requestedAttributes(directory.attributes, full)
    const attributes = members ? [...requested.attributes, directory.attributes.member, 'uniqueMember'] : requested.attributes
    try {
      const { searchEntries } = await client.search(dn, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: [...new Set(attributes.filter(Boolean))],
        explicitBufferAttributes: requested.binary,
        timeLimit: directory.timeoutSeconds,
      })
      return searchEntries[0]
    } catch (error) {
      if ((error as { code?: number }).code === 32) return undefined // noSuchObject
      throw error
    }
  }

  /**
   * Runs `work` on the directory's connection within its time-out (times `factor`), cancelled with
   * the caller. A failure closes the connection, so the next call starts afresh.
   */
  private async bounded<T>(directory: Directory, signal: AbortSignal | undefined, work: (client: Client) => Promise<T>, factor = 1): Promise<T> {
    const timeoutMs = directory.timeoutSeconds * 1000 * factor
    const server = serverOf(directory.url)
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QuireError('TIMEOUT', { message: `The directory “${directory.name}” did not answer within ${Math.round(timeoutMs / 1000)} s.` })), timeoutMs)
      onAbort = () => reject(new QuireError('CANCELLED'))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      return await Promise.race([this.connection(directory).then(work), limit])
    } catch (error) {
      if (!(error instanceof QuireError && error.code === 'CANCELLED')) this.drop(directory.id)
      throw toDirectoryError(error, server)
    } finally {
      clearTimeout(timer)
      if (onAbort) signal?.removeEventListener('abort', onAbort)
      this.touch(directory.id)
    }
  }

  private connection(directory: Directory): Promise<Client> {
    const pooled = this.pool.get(directory.id)
    if (pooled) return pooled.client
    const client = this.registry
      .bindPassword(directory.id)
      .then((password) => openLdap(directory, password, this.tls, directory.timeoutSeconds * 1000))
    const entry: Pooled = { client, idle: undefined }
    this.pool.set(directory.id, entry)
    client.catch(() => this.pool.get(directory.id) === entry && this.pool.delete(directory.id))
    return client
  }

  private touch(id: AccountId): void {
    const pooled = this.pool.get(id)
    if (!pooled) return
    clearTimeout(pooled.idle)
    pooled.idle = setTimeout(() => this.drop(id), IDLE_MS)
    pooled.idle.unref?.()
  }

  private drop(id: AccountId): void {
    const pooled = this.pool.get(id)
    if (!pooled) return
    this.pool.delete(id)
    clearTimeout(pooled.idle)
    pooled.client.then((c) => c.unbind()).catch(() => {})
  }

  private closeAll(): void {
    for (const id of [...this.pool.keys()]) this.drop(id)
  }
}
