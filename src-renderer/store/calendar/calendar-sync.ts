import { Dexie } from 'dexie'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { CalendarChanges, CalendarCollection, ObjectVersion } from '../../../src-main/common/domain/calendar'
import type { DavAccount } from '../../../src-main/common/domain/dav-account'
import type { Client } from '../../rpc/client'
import { calendarRange, type CalendarDatabase, type CalendarRow, type EventKey } from './calendar-database'
import { CalendarTaskQueue, type CalendarTaskOptions } from './calendar-tasks'
import { eventRow } from './event-row'

export interface CalendarSyncOptions {
  /** objects per `calendar.fetch` */
  fetchBatch?: number
  now?: () => number
  tasks?: Pick<CalendarTaskOptions, 'retryBaseMs' | 'retryMaxMs'>
}

/** Runs one job at a time per key; a sync asked for while one runs becomes one more, not many. */
class Lanes {
  private readonly tails = new Map<string, Promise<unknown>>()
  private readonly waiting = new Map<string, Promise<void>>()

  coalesce(key: string, job: () => Promise<void>): Promise<void> {
    const queued = this.waiting.get(key)
    if (queued) return queued
    const run = (this.tails.get(key) ?? Promise.resolve()).then(() => {
      this.waiting.delete(key)
      return job()
    })
    this.waiting.set(key, run)
    this.tails.set(
      key,
      run.catch(() => {}),
    )
    return run
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))
export const accountStateKey = (accountId: AccountId) => `account:${accountId}`

/** What the UI shows about an account's calendars: when it last synced, when it checks next, what failed. */
export interface AccountSyncState {
  syncing: boolean
  syncedAt: number | null
  nextCheckAt: number | null
  error: string | null
}

/**
 * The sync flow (DESIGN.md flow 1) for calendars: mirrors the DAV accounts and their calendars,
 * brings each calendar up to date from main's deltas — objects first, in batches, then the removals
 * and the new cursor in one transaction, so a crash repeats a little and loses nothing — and follows
 * main's poll timer. Local writes (`tasks`) are never overwritten by a sync: a row with a pending
 * change keeps it until the server has answered the write.
 */
export class CalendarSync {
  readonly tasks: CalendarTaskQueue
  private readonly fetchBatch: number
  private readonly now: () => number
  private readonly lanes = new Lanes()
  private readonly active = new Set<Promise<unknown>>()
  private unsubscribers: (() => void)[] = []
  private accounts: DavAccount[] = []

  constructor(
    private readonly client: Client,
    private readonly db: CalendarDatabase,
    options: CalendarSyncOptions = {},
  ) {
    this.fetchBatch = options.fetchBatch ?? 100
    this.now = options.now ?? Date.now
    this.tasks = new CalendarTaskQueue(db, client, {
      ...options.tasks,
      now: this.now,
      onSettled: (accountId, calendarUrl) => void this.track(this.syncCalendar(accountId, calendarUrl).catch(() => {})),
    })
  }

  async start(): Promise<void> {
    const { client } = this
    this.unsubscribers = [
      client.subscribe('dav.accounts.changed', {}, { onEvent: (accounts) => void this.track(this.mirrorAccounts(accounts)) }),
      client.subscribe('calendar.watch', {}, {
        onEvent: ({ accountId, nextCheckAt, due }) => {
          void this.setState(accountId, { nextCheckAt })
          if (due) void this.track(this.syncAccount(accountId).catch(() => {}))
        },
      }),
    ]
    await this.tasks.start()
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.unsubscribers = []
    this.tasks.stop()
  }

  /** Resolves once nothing is syncing (tests, and the "Sync now" button's spinner). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active])
  }

  /** Every account with calendars, now (the "Sync now" button). */
  async syncAll(): Promise<void> {
    await Promise.all(this.accounts.filter((a) => a.calendars).map((a) => this.track(this.syncAccount(a.id).catch(() => {}))))
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work)
    void work.finally(() => this.active.delete(work)).catch(() => {})
    return work
  }

  private async mirrorAccounts(accounts: DavAccount[]): Promise<void> {
    const { db } = this
    this.accounts = accounts
    const withCalendars = new Set(accounts.filter((a) => a.calendars).map((a) => a.id))
    // an account removed (or its calendars turned off) takes its offline copy with it
    const gone = (await db.calendars.orderBy('accountId').uniqueKeys()).filter((id) => !withCalendars.has(id as AccountId)) as AccountId[]
    if (gone.length > 0) {
      await db.transaction('rw', [db.calendars, db.events, db.tasks, db.meta], async () => {
        for (const accountId of gone) {
          await db.calendars.where('accountId').equals(accountId).delete()
          await db.events.where('[accountId+calendarUrl+href]').between([accountId, Dexie.minKey], [accountId, Dexie.maxKey]).delete()
          await db.tasks.filter((t) => t.accountId === accountId).delete()
          await db.meta.delete(accountStateKey(accountId))
        }
      })
    }
    // a new account, or a change that may be a new server, login or password (which the list does
    // not show): sync every account now; accounts change seldom and a sync with nothing new is cheap
    for (const account of accounts) if (account.calendars) void this.track(this.syncAccount(account.id).catch(() => {}))
  }

  private async setState(accountId: AccountId, changes: Partial<AccountSyncState>): Promise<void> {
    const { db } = this
    await db.transaction('rw', db.meta, async () => {
      const key = accountStateKey(accountId)
      const current = ((await db.meta.get(key))?.value as AccountSyncState | undefined) ?? { syncing: false, syncedAt: null, nextCheckAt: null, error: null }
      await db.meta.put({ key, value: { ...current, ...changes } })
    })
  }

  /** Lists the account's calendars, mirrors them, and syncs each. A failure is recorded where the UI shows it. */
  syncAccount(accountId: AccountId): Promise<void> {
    return this.lanes.coalesce(`account\n${accountId}`, async () => {
      await this.setState(accountId, { syncing: true })
      try {
        const calendars = await this.client.call('calendar.list', { accountId })
        await this.mirrorCalendars(accountId, calendars)
        const results = await Promise.allSettled(calendars.map((c) => this.syncCalendar(accountId, c.url)))
        const failed = results.find((r) => r.status === 'rejected')
        await this.setState(accountId, { syncing: false, syncedAt: this.now(), error: failed ? errorText(failed.reason) : null })
        void this.tasks.retryNow(accountId)
      } catch (error) {
        await this.setState(accountId, { syncing: false, error: errorText(error) })
        throw error
      }
    })
  }

  private async mirrorCalendars(accountId: AccountId, calendars: CalendarCollection[]): Promise<void> {
    const { db } = this
    await db.transaction('rw', [db.calendars, db.events, db.tasks], async () => {
      const existing = await db.calendars.where('accountId').equals(accountId).toArray()
      const urls = new Set(calendars.map((c) => c.url))
      for (const row of existing) {
        if (urls.has(row.url)) continue
        await db.calendars.delete([accountId, row.url])
        await db.events.where('[accountId+calendarUrl+href]').between(...calendarRange(accountId, row.url)).delete()
        await db.tasks.where('[accountId+calendarUrl]').equals([accountId, row.url]).delete()
      }
      for (const calendar of calendars) {
        const before = existing.find((r) => r.url === calendar.url)
        const row: CalendarRow = { ...calendar, accountId, visible: before?.visible ?? 1, cursor: before?.cursor ?? null, syncedAt: before?.syncedAt ?? null, syncError: before?.syncError ?? null }
        await db.calendars.put(row)
      }
    })
  }

  /** Brings one calendar up to date; coalesced, so a burst of reasons costs at most two syncs. */
  syncCalendar(accountId: AccountId, calendarUrl: string): Promise<void> {
    return this.lanes.coalesce(`calendar\n${accountId}\n${calendarUrl}`, async () => {
      try {
        await this.pull(accountId, calendarUrl)
      } catch (error) {
        await this.db.calendars.update([accountId, calendarUrl], { syncError: errorText(error) })
        throw error
      }
    })
  }

  private async pull(accountId: AccountId, calendarUrl: string): Promise<void> {
    const { db } = this
    const calendar = await db.calendars.get([accountId, calendarUrl])
    if (!calendar) return
    const changes: CalendarChanges = await this.client.call('calendar.changes', { accountId, calendarUrl, cursor: calendar.cursor })
    const local = new Map((await db.events.where('[accountId+calendarUrl+href]').between(...calendarRange(accountId, calendarUrl)).toArray()).map((r) => [r.href, r]))
    let wanted: ObjectVersion[] = []
    let removed: string[] = []
    if (changes.kind === 'delta') {
      wanted = changes.changed
      removed = changes.removed
    } else if (changes.kind === 'full') {
      wanted = changes.items
      const listed = new Set(changes.items.map((i) => i.href))
      // what the server does not list is gone — unless it is ours and not there yet
      removed = [...local.values()].filter((r) => !listed.has(r.href) && r.etag !== null).map((r) => r.href)
    }
    const toFetch = wanted.filter((item) => {
      const row = local.get(item.href)
      return !row || row.etag !== item.etag || !item.etag
    })
    for (let i = 0; i < toFetch.length; i += this.fetchBatch) {
      const batch = toFetch.slice(i, i + this.fetchBatch).map((item) => item.href)
      const { objects, missing } = await this.client.call('calendar.fetch', { accountId, calendarUrl, hrefs: batch })
      removed.push(...missing)
      await db.transaction('rw', db.events, async () => {
        for (const object of objects) {
          const row = await db.events.get([accountId, calendarUrl, object.href])
          // a local change waits for its write to answer; the server's version may become a conflict then
          if (row && (row.pending || row.conflict)) continue
          await db.events.put(eventRow(accountId, calendarUrl, object.href, object.etag, object.data))
        }
      })
    }
    // removals and the cursor that covers them commit together
    await db.transaction('rw', [db.events, db.calendars], async () => {
      for (const href of removed) {
        const key: EventKey = [accountId, calendarUrl, href]
        const row = await db.events.get(key)
        if (!row) continue
        if (row.pending) continue // edited here: the write will meet the deletion as a conflict
        await db.events.delete(key)
      }
      await db.calendars.update([accountId, calendarUrl], { cursor: changes.cursor, syncedAt: this.now(), syncError: null })
    })
  }
}
