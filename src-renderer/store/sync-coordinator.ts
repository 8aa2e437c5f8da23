import type { Account, AccountId } from '../../src-main/common/domain/account'
import type { FolderCursor, FolderDelta } from '../../src-main/common/domain/mail'
import type { Client } from '../rpc/client'
import { mirrorAccounts } from './accounts'
import { applyDelta } from './apply-delta'
import { prefetchBodies } from './body-prefetch'
import { accountRange, folderRange, type CursorRow, type FolderRow, type QuireDatabase } from './database'
import { changeFolderSync, inSyncOrder, mirrorFolders, syncSince } from './folders'
import { MailActions } from './mail-actions'
import { SyncProgress } from './sync-progress'
import { TaskQueue, type TaskQueueOptions } from './task-queue'
import { WorkLane } from './work-lane'

export interface SyncCoordinatorOptions {
  /** headers per `mail.sync` call */
  syncBatch?: number
  /** headers per `mail.backfill` call */
  backfillBatch?: number
  now?: () => number
  tasks?: Pick<TaskQueueOptions, 'retryBaseMs' | 'retryMaxMs'>
}

/** The cursor as main gave it (with `unfetched`, if a batch left new messages behind), without the store's key. */
function cursorOf(row: CursorRow): FolderCursor {
  const { accountId: _accountId, path: _path, ...cursor } = row
  return cursor
}

/** A batch asked for ahead of time; `key` is the cursor and sync window (in days) it was asked with. */
interface Prefetch {
  key: string
  delta: Promise<FolderDelta>
}

/** A request whose answer may never be awaited (the batch after a failed write): its failure is not an unhandled rejection. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}

/**
 * What a backfill batch was asked for: the cursor, and the window in days, not the `since` instant
 * computed from it, which moves with the clock (main's SINCE compares whole days anyway).
 */
const backfillKey = (cursor: FolderCursor, folder: Pick<FolderRow, 'syncSinceDays'>) => JSON.stringify([cursor, folder.syncSinceDays])

/** A folder's sync error is shown through `progress` (recorded where it happened), not thrown further. */
const shownInProgress = () => {}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * The sync flow (DESIGN.md flow 1) for every account main knows: mirrors the accounts and their
 * folders, brings each folder whose sync is on up to date (INBOX first), then fetches older mail in
 * the background, and follows main's change notifications. One folder's failure is recorded in
 * `progress` and does not hold up the others. It also runs the user's changes (`tasks`,
 * `actions`), whose effects it syncs back.
 */
export class SyncCoordinator {
  readonly progress = new SyncProgress()
  readonly tasks: TaskQueue
  readonly actions: MailActions
  private readonly syncBatch: number
  private readonly backfillBatch: number
  private readonly now: () => number
  private readonly accountLanes = new Map<AccountId, WorkLane>()
  private readonly backfillLanes = new Map<AccountId, WorkLane>()
  private readonly prefetchLanes = new Map<AccountId, WorkLane>()
  private readonly folderLanes = new Map<string, WorkLane>()
  /** per account, the first backfill batch of a folder just synced for the first time, asked for while the pass goes on */
  private readonly firstBackfill = new Map<AccountId, { path: string; ahead: Prefetch }>()
  private readonly active = new Set<Promise<unknown>>()
  private readonly known = new Set<AccountId>()
  private unsubscribers: (() => void)[] = []
  private controller = new AbortController()

  constructor(
    private readonly client: Client,
    private readonly db: QuireDatabase,
    options: SyncCoordinatorOptions = {},
  ) {
    this.syncBatch = options.syncBatch ?? 500
    // Small enough that writing and fetching interleave finely: the first batch's fetch and the last
    // batch's write are the parts of a backfill nothing overlaps, and at 5000 they were each about a
    // third of a 10k folder's sync. Each batch costs main a UID SEARCH and a FETCH command more and
    // the store a transaction more; 2000 headers amortise that (1000 measurably did not, on main's side).
    this.backfillBatch = options.backfillBatch ?? 2000
    this.now = options.now ?? Date.now
    this.tasks = new TaskQueue(db, client, {
      ...options.tasks,
      now: this.now,
      onSettled: (accountId, paths) => {
        for (const path of paths) this.syncInBackground(accountId, path)
      },
    })
    this.actions = new MailActions(db, this.tasks, (accountId, path) => this.syncFolder(accountId, path))
  }

  /** Follows main's accounts and changes, resumes the tasks a previous session left, and syncs every account. */
  async start(): Promise<void> {
    this.controller = new AbortController()
    this.known.clear()
    const { client } = this
    this.unsubscribers = [
      client.subscribe('accounts.changed', {}, { onEvent: (accounts) => this.inBackground(this.followAccounts(accounts)) }),
      client.subscribe('mail.changed', {}, { onEvent: ({ accountId, path, reason }) => this.onChanged(accountId, path, reason) }),
      client.subscribe('mail.status', {}, {
        onEvent: ({ accountId, state }) => {
          if (state === 'online') this.inBackground(this.tasks.retryNow(accountId))
        },
      }),
    ]
    await this.tasks.start()
    await this.followAccounts(await client.call('accounts.list', {}, { signal: this.controller.signal }))
  }

  /** Cancels every sync and stops sending tasks; what was written stays, and the next start continues from there. */
  stop(): void {
    this.controller.abort()
    this.firstBackfill.clear()
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.unsubscribers = []
    this.tasks.stop()
  }

  /** Resolves once every sync started so far has finished (tasks waiting to be sent do not count). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active])
  }

  /**
   * Brings one folder up to date now. Requests while a sync of it runs coalesce into one more sync
   * after it; resolves when that sync is done, rejects with its error.
   */
  syncFolder(accountId: AccountId, path: string): Promise<void> {
    const run = this.laneOf(this.folderLanes, JSON.stringify([accountId, path])).coalesce(() => this.syncNow(accountId, path))
    this.track(run)
    return run
  }

  /** Changes what is kept offline of a folder (see `changeFolderSync`), then syncs the account to match. */
  async setFolderSync(accountId: AccountId, path: string, settings: Partial<Pick<FolderRow, 'syncEnabled' | 'syncSinceDays'>>): Promise<void> {
    await changeFolderSync(this.db, accountId, path, settings, this.now())
    this.inBackground(this.syncAccount(accountId))
  }

  /** Refreshes the account's folders, syncs each one, then backfills them; coalesces like `syncFolder` and resolves once every folder is synced. */
  syncAccount(accountId: AccountId): Promise<void> {
    const run = this.laneOf(this.accountLanes, accountId).coalesce(() => this.pass(accountId))
    this.track(run)
    return run
  }

  private async followAccounts(accounts: readonly Account[]): Promise<void> {
    const { removed } = await mirrorAccounts(this.db, accounts)
    for (const accountId of removed) {
      this.known.delete(accountId)
      this.progress.remove(accountId)
    }
    for (const { id } of accounts) {
      if (this.known.has(id)) continue
      this.known.add(id)
      this.inBackground(this.syncAccount(id))
    }
  }

  private onChanged(accountId: AccountId, path: string, reason: string): void {
    if (reason === 'reconnect') {
      // a new session may have missed anything: check every folder, and send what waited
      this.inBackground(this.tasks.retryNow(accountId))
      this.inBackground(this.syncAccount(accountId))
      return
    }
    if (reason === 'folders') return this.inBackground(this.syncAccount(accountId))
    this.inBackground(
      this.db.folders.get([accountId, path]).then((folder) => (folder ? this.syncInBackground(accountId, path) : this.syncAccount(accountId))),
    )
  }

  /** One full round for an account: folder list, then every folder's new mail in order, then (in the background) older mail. */
  private async pass(accountId: AccountId): Promise<void> {
    const { signal } = this.controller
    if (signal.aborted) return
    this.progress.setAccount(accountId, { refreshingFolders: true, error: null })
    let folders: FolderRow[]
    try {
      folders = await mirrorFolders(this.db, accountId, await this.client.call('mail.folders', { accountId }, { signal }))
    } catch (error) {
      this.progress.setAccount(accountId, { refreshingFolders: false, error: errorText(error) })
      return
    }
    const synced = inSyncOrder(folders.filter((folder) => folder.syncEnabled && folder.selectable)).map((folder) => folder.path)
    this.progress.setFolders(accountId, synced)
    this.progress.setAccount(accountId, { refreshingFolders: false })
    for (const path of synced) await this.countCached(accountId, path)
    // a folder's error is in `progress`; the next folder goes on regardless
    for (const path of synced) await this.syncFolder(accountId, path).catch(shownInProgress)
    this.inBackground(this.backfillAccount(accountId))
    this.inBackground(this.prefetchAccount(accountId))
  }

  /** Recent bodies ahead of reading (the account's download window); coalesces like the other work of an account. */
  private prefetchAccount(accountId: AccountId): Promise<void> {
    const run = this.laneOf(this.prefetchLanes, accountId).coalesce(async () => {
      const account = await this.db.accounts.get(accountId)
      if (account) await prefetchBodies(this.db, this.client, account, this.controller.signal, this.now())
    })
    this.track(run)
    return run
  }

  /**
   * Older mail of every synced folder, in sync order. It runs apart from the account's passes, so
   * a new pass (new folders, a reconnect) does not wait for a long backfill; it coalesces like them.
   */
  private backfillAccount(accountId: AccountId): Promise<void> {
    const run = this.laneOf(this.backfillLanes, accountId).coalesce(async () => {
      const folders = await this.db.folders.where('[accountId+path]').between(...accountRange(accountId)).toArray()
      for (const folder of inSyncOrder(folders.filter((f) => f.syncEnabled && f.selectable))) {
        await this.backfill(accountId, folder.path).catch(shownInProgress)
      }
      // a batch asked for early whose folder was not backfilled after all (sync turned off meanwhile)
      this.firstBackfill.delete(accountId)
    })
    this.track(run)
    return run
  }

  private async syncNow(accountId: AccountId, path: string): Promise<void> {
    const { signal } = this.controller
    const folder = await this.db.folders.get([accountId, path])
    if (signal.aborted || !folder?.syncEnabled || !folder.selectable) return
    this.progress.setFolder(accountId, path, { state: 'syncing', error: null })
    await this.recordingErrors(accountId, path, async () => {
      const stored = await this.db.cursors.get([accountId, path])
      const request = (cursor: FolderCursor | null) => settledLater(this.client.call('mail.sync', { accountId, path, cursor, limit: this.syncBatch }, { signal }))
      for (let pending = request(stored ? cursorOf(stored) : null); ; ) {
        const delta = await pending
        // ask for the next batch before writing this one, so main fetches while IndexedDB writes
        const next = delta.more ? request(delta.cursor) : undefined
        // A folder synced for the first time is backfilled next (after the pass): its first older
        // batch is asked for now, so main fetches it while this batch is written and the other
        // folders sync, instead of after. One folder per account at a time, so a first start with
        // many folders does not hold many batches in memory or crowd out their new mail.
        if (delta.reset && !delta.cursor.backfillDone && !next && !this.firstBackfill.has(accountId)) {
          this.firstBackfill.set(accountId, { path, ahead: this.backfillRequest(accountId, path, folder, delta.cursor) })
        }
        if (signal.aborted || !(await applyDelta(this.db, accountId, path, delta))) return
        this.addCached(accountId, path, delta.added.length - delta.vanished.length, delta.reset)
        if (!next) break
        pending = next
      }
      await this.countCached(accountId, path)
    })
  }

  /**
   * Older mail in batches, each its own turn in the folder's lane, so a sync of new mail can go
   * between them. Each turn asks for the next batch before writing its own: main fetches while
   * IndexedDB writes.
   */
  private async backfill(accountId: AccountId, path: string): Promise<void> {
    const lane = this.laneOf(this.folderLanes, JSON.stringify([accountId, path]))
    const first = this.firstBackfill.get(accountId)
    let ahead = first?.path === path ? first.ahead : undefined
    if (ahead) this.firstBackfill.delete(accountId)
    while (!this.controller.signal.aborted) {
      const turn = await lane.enqueue(() => this.backfillOnce(accountId, path, ahead))
      if (turn.done) return
      ahead = turn.ahead
    }
  }

  /** One batch below the folder's oldest cached message; done when nothing older is left to fetch. */
  private async backfillOnce(accountId: AccountId, path: string, ahead: Prefetch | undefined): Promise<{ done: boolean; ahead?: Prefetch }> {
    const { signal } = this.controller
    const folder = await this.db.folders.get([accountId, path])
    const stored = await this.db.cursors.get([accountId, path])
    if (signal.aborted || !folder?.syncEnabled || !stored) return { done: true }
    if (stored.backfillDone) return { done: true }
    this.progress.setFolder(accountId, path, { state: 'backfilling', error: null })
    const request = (cursor: FolderCursor) => this.backfillRequest(accountId, path, folder, cursor)
    return this.recordingErrors(accountId, path, async () => {
      const cursor = cursorOf(stored)
      // the batch asked for during the last write still fits unless a sync moved the cursor, or the
      // user changed the window, since
      const current = ahead?.key === backfillKey(cursor, folder) ? ahead : request(cursor)
      const delta = await current.delta
      const next = delta.cursor.backfillDone ? undefined : request(delta.cursor)
      if (signal.aborted || !(await applyDelta(this.db, accountId, path, delta))) return { done: true }
      if (delta.cursor.backfillDone) await this.countCached(accountId, path)
      else this.addCached(accountId, path, delta.added.length, false)
      return { done: delta.cursor.backfillDone, ...(next ? { ahead: next } : {}) }
    })
  }

  /** Asks main for the batch of older mail below `cursor`, in the folder's sync window as of now. */
  private backfillRequest(accountId: AccountId, path: string, folder: FolderRow, cursor: FolderCursor): Prefetch {
    const since = syncSince(folder, this.now())
    return {
      key: backfillKey(cursor, folder),
      delta: settledLater(this.client.call('mail.backfill', { accountId, path, cursor, limit: this.backfillBatch, since }, { signal: this.controller.signal })),
    }
  }

  private async recordingErrors<T>(accountId: AccountId, path: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (!this.controller.signal.aborted) this.progress.setFolder(accountId, path, { state: 'error', error: errorText(error) })
      throw error
    }
  }

  /**
   * Counts the folder's cached messages and settles its state from the stored cursor: done when
   * nothing older is left to fetch. Counting walks the folder's key range, so between batches
   * `addCached` keeps the figure up to date instead.
   */
  private async countCached(accountId: AccountId, path: string): Promise<void> {
    const [lo, hi] = folderRange(accountId, path)
    const [cached, cursor] = await Promise.all([
      this.db.messages.where('[accountId+path+uid]').between(lo, hi).count(),
      this.db.cursors.get([accountId, path]),
    ])
    const state = this.progress.of(accountId)?.folders[path]?.state
    const settled = cursor?.backfillDone ? 'done' : state === 'syncing' ? 'backfilling' : state
    this.progress.setFolder(accountId, path, { cached, ...(settled ? { state: settled } : {}) })
  }

  /** What a batch added, as an estimate until the next count (a batch may re-send cached messages). */
  private addCached(accountId: AccountId, path: string, added: number, reset: boolean): void {
    const cached = reset ? 0 : (this.progress.of(accountId)?.folders[path]?.cached ?? 0)
    this.progress.setFolder(accountId, path, { cached: Math.max(0, cached + added) })
  }

  private laneOf<K>(lanes: Map<K, WorkLane>, key: K): WorkLane {
    let lane = lanes.get(key)
    if (!lane) {
      lane = new WorkLane()
      lanes.set(key, lane)
    }
    return lane
  }

  private track(work: Promise<unknown>): void {
    this.active.add(work)
    const forget = () => this.active.delete(work)
    work.then(forget, forget)
  }

  private syncInBackground(accountId: AccountId, path: string): void {
    this.track(this.syncFolder(accountId, path).catch(shownInProgress))
  }

  /** Work nobody awaits, tracked for `idle`; a failure here is not a folder's, so it goes to the console. */
  private inBackground(work: Promise<unknown>): void {
    this.track(
      work.catch((error: unknown) => {
        if (!this.controller.signal.aborted) console.error('Quire sync:', error)
      }),
    )
  }
}
