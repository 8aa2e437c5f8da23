import type { AccountId } from '../../../src-main/common/domain/account'
import type { AddressBook, AddressBookChanges, StoredCard } from '../../../src-main/common/domain/contact'
import type { DavAccount } from '../../../src-main/common/domain/dav-account'
import type { Client } from '../../rpc/client'
import { ObservableValue } from '../observable-value'
import { WorkLane } from '../work-lane'
import { cardRow } from './card-index'
import type { AddressBookRow, CardRow, ContactsDatabase } from './contacts-database'

/** What the UI shows about an account's sync. */
export interface AccountSyncState {
  state: 'syncing' | 'idle' | 'failed'
  error: string | null
  /** false once an account's address books were listed at least once */
  firstSync: boolean
}

export interface ContactsSyncOptions {
  /** cards per `contacts.fetch` */
  batch?: number
  now?: () => number
  /** tells the task runner an account answered (it may retry what waits) */
  onOnline?: (accountId: AccountId) => void
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * The sync flow (DESIGN.md flow 1) for contacts: mirrors the DAV accounts with contacts on, lists
 * their address books, and brings each up to date with sync-collection or CTag + ETags (main's
 * `contacts.changes`), fetching only cards whose ETag differs. Each book's new cursor is written in
 * the same transaction as the last of the cards it covers. Cards with a change on its way to the
 * server are left alone: the task settles them. Polls at each account's interval.
 */
export class ContactsSync {
  readonly status = new ObservableValue<ReadonlyMap<AccountId, AccountSyncState>>(new Map())
  private readonly batch: number
  private readonly now: () => number
  private readonly lanes = new Map<string, WorkLane>()
  private readonly timers = new Map<AccountId, { intervalMs: number; handle: ReturnType<typeof setInterval> }>()
  private unsubscribe: (() => void) | null = null
  private readonly active = new Set<Promise<unknown>>()

  constructor(
    private readonly db: ContactsDatabase,
    private readonly client: Client,
    private readonly options: ContactsSyncOptions = {},
  ) {
    this.batch = options.batch ?? 100
    this.now = options.now ?? Date.now
  }

  start(): void {
    if (this.unsubscribe) return
    this.unsubscribe = this.client.subscribe('dav.accounts.changed', {}, { onEvent: (accounts) => this.track(this.followAccounts(accounts)) })
  }

  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    for (const timer of this.timers.values()) clearInterval(timer.handle)
    this.timers.clear()
  }

  /** Resolves once every sync started so far has finished. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active])
  }

  /** Lists the account's address books and syncs each; requests while one runs coalesce into one more. */
  syncAccount(accountId: AccountId): Promise<void> {
    return this.track(this.lane(accountId).coalesce(() => this.pass(accountId)))
  }

  /** Brings one address book up to date now. */
  syncBook(accountId: AccountId, bookUrl: string): Promise<void> {
    return this.track(this.lane(`${accountId} ${bookUrl}`).coalesce(() => this.syncBookNow(accountId, bookUrl)))
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work)
    void work.finally(() => this.active.delete(work)).catch(() => {})
    return work
  }

  private lane(key: string): WorkLane {
    let lane = this.lanes.get(key)
    if (!lane) this.lanes.set(key, (lane = new WorkLane()))
    return lane
  }

  private setState(accountId: AccountId, state: Partial<AccountSyncState>): void {
    const next = new Map(this.status.get())
    const before = next.get(accountId) ?? { state: 'idle', error: null, firstSync: true }
    next.set(accountId, { ...before, ...state })
    this.status.set(next)
  }

  private async followAccounts(accounts: readonly DavAccount[]): Promise<void> {
    const { db } = this
    const wanted = accounts.filter((a) => a.contacts)
    const wantedIds = new Set(wanted.map((a) => a.id))
    const gone = (await db.accounts.toCollection().primaryKeys()).filter((id) => !wantedIds.has(id))
    await db.transaction('rw', [db.accounts, db.addressBooks, db.cards, db.tasks, db.conflicts], async () => {
      for (const id of gone) {
        await db.accounts.delete(id)
        await db.addressBooks.where('accountId').equals(id).delete()
        await db.cards.where('[accountId+bookUrl]').between([id, ''], [id, '\uffff']).delete()
        await db.tasks.where('accountId').equals(id).delete()
        await db.conflicts.where('[accountId+href]').between([id, ''], [id, '\uffff']).delete()
      }
      await db.accounts.bulkPut(wanted.map(({ id, name, color, contacts, syncIntervalSeconds }) => ({ id, name, color, contacts, syncIntervalSeconds })))
    })
    for (const id of gone) {
      const timer = this.timers.get(id)
      if (timer) clearInterval(timer.handle)
      this.timers.delete(id)
      const next = new Map(this.status.get())
      next.delete(id)
      this.status.set(next)
    }
    for (const account of wanted) {
      const intervalMs = account.syncIntervalSeconds * 1000
      const timer = this.timers.get(account.id)
      if (timer?.intervalMs === intervalMs) continue
      if (timer) clearInterval(timer.handle)
      this.timers.set(account.id, { intervalMs, handle: setInterval(() => void this.syncAccount(account.id).catch(() => {}), intervalMs) })
      void this.syncAccount(account.id).catch(() => {})
    }
  }

  private async pass(accountId: AccountId): Promise<void> {
    this.setState(accountId, { state: 'syncing' })
    let books: AddressBook[]
    try {
      books = await this.client.call('contacts.addressBooks', { accountId })
    } catch (error) {
      this.setState(accountId, { state: 'failed', error: errorText(error) })
      throw error
    }
    this.options.onOnline?.(accountId)
    await this.mirrorBooks(accountId, books)
    const failures: string[] = []
    for (const book of books) {
      try {
        await this.syncBook(accountId, book.url)
      } catch (error) {
        failures.push(`${book.displayName}: ${errorText(error)}`)
      }
    }
    this.setState(accountId, failures.length ? { state: 'failed', error: failures.join('; '), firstSync: false } : { state: 'idle', error: null, firstSync: false })
  }

  private async mirrorBooks(accountId: AccountId, books: AddressBook[]): Promise<void> {
    const { db } = this
    await db.transaction('rw', [db.addressBooks, db.cards], async () => {
      const existing = await db.addressBooks.where('accountId').equals(accountId).toArray()
      const urls = new Set(books.map((b) => b.url))
      for (const row of existing) {
        if (urls.has(row.url)) continue
        await db.addressBooks.delete([accountId, row.url])
        await db.cards.where('[accountId+bookUrl]').equals([accountId, row.url]).delete()
      }
      for (const book of books) {
        const before = existing.find((r) => r.url === book.url)
        const row: AddressBookRow = { ...book, cursor: before?.cursor ?? null, lastSyncAt: before?.lastSyncAt ?? null, error: before?.error ?? null }
        await db.addressBooks.put(row)
      }
    })
  }

  private async syncBookNow(accountId: AccountId, bookUrl: string): Promise<void> {
    const { db, client } = this
    const book = await db.addressBooks.get([accountId, bookUrl])
    if (!book) return
    let changes: AddressBookChanges
    try {
      changes = await client.call('contacts.changes', { accountId, bookUrl, cursor: book.cursor })
      const local = new Map((await db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()).map((r) => [r.href, r]))
      const listed = changes.kind === 'full' ? changes.items : changes.kind === 'delta' ? changes.changed : []
      const listedHrefs = new Set(listed.map((item) => item.href))
      const removed =
        changes.kind === 'full'
          ? [...local.keys()].filter((href) => !listedHrefs.has(href))
          : changes.kind === 'delta'
            ? changes.removed
            : []
      const toFetch = listed.filter((item) => local.get(item.href)?.etag !== item.etag).map((item) => item.href)
      const fetched: StoredCard[] = []
      const missing: string[] = []
      for (let i = 0; i < toFetch.length; i += this.batch) {
        const answer = await client.call('contacts.fetch', { accountId, bookUrl, hrefs: toFetch.slice(i, i + this.batch) })
        fetched.push(...answer.cards)
        missing.push(...answer.missing)
      }
      await db.transaction('rw', [db.addressBooks, db.cards], async () => {
        const gone = [...removed, ...missing]
        for (const href of gone) {
          const row = await db.cards.get([accountId, href])
          // a card with a change on its way stays: the task finds out (a 412 becomes a conflict)
          if (row && !row.pending && !row.conflicted) await db.cards.delete([accountId, href])
        }
        const rows: CardRow[] = []
        for (const stored of fetched) {
          const row = await db.cards.get([accountId, stored.href])
          if (row?.pending || row?.conflicted) continue
          rows.push(cardRow(accountId, bookUrl, stored))
        }
        await db.cards.bulkPut(rows)
        await db.addressBooks.update([accountId, bookUrl], { cursor: changes.cursor, lastSyncAt: this.now(), error: null })
      })
    } catch (error) {
      await db.addressBooks.update([accountId, bookUrl], { error: errorText(error) })
      throw error
    }
  }
}
