import type { AccountId } from '../../common/domain/account'
import type { DavAccount } from '../../common/domain/dav-account'

export interface WatchTick {
  accountId: AccountId
  nextCheckAt: number
  /** time to sync now; false: only when the next check is */
  due: boolean
}

interface Timer {
  intervalMs: number
  handle: ReturnType<typeof setTimeout>
  dueAt: number
}

/**
 * The poll timer of every DAV account with calendars: each tick tells the subscribers (the
 * renderer's sync coordinator) to sync that account's calendars, at the interval the user set.
 * CalDAV has no push that works everywhere, so polling with sync-collection is how changes made
 * elsewhere arrive; a sync-collection REPORT with nothing new costs one small round trip.
 */
export class CalendarWatch {
  private readonly timers = new Map<AccountId, Timer>()
  private readonly listeners = new Set<(tick: WatchTick) => void>()
  private readonly unsubscribe: () => void

  constructor(
    accounts: { list(): DavAccount[]; onChange(listener: (accounts: DavAccount[]) => void): () => void },
    private readonly now: () => number = Date.now,
  ) {
    this.schedule(accounts.list())
    this.unsubscribe = accounts.onChange((list) => this.schedule(list))
  }

  subscribe(listener: (tick: WatchTick) => void): () => void {
    this.listeners.add(listener)
    for (const [accountId, timer] of this.timers) listener({ accountId, nextCheckAt: timer.dueAt, due: false })
    return () => this.listeners.delete(listener)
  }

  close(): void {
    this.unsubscribe()
    for (const timer of this.timers.values()) clearTimeout(timer.handle)
    this.timers.clear()
    this.listeners.clear()
  }

  private schedule(accounts: DavAccount[]): void {
    const wanted = new Map(accounts.filter((a) => a.calendars).map((a) => [a.id, a.syncIntervalSeconds * 1000]))
    for (const [id, timer] of this.timers) {
      if (wanted.get(id) !== timer.intervalMs) {
        clearTimeout(timer.handle)
        this.timers.delete(id)
      }
    }
    for (const [id, intervalMs] of wanted) {
      if (this.timers.has(id)) continue
      this.arm(id, intervalMs)
      const tick = { accountId: id, nextCheckAt: this.now() + intervalMs, due: false }
      for (const listener of this.listeners) listener(tick)
    }
  }

  private arm(accountId: AccountId, intervalMs: number): void {
    const handle = setTimeout(() => {
      this.arm(accountId, intervalMs)
      const tick = { accountId, nextCheckAt: this.now() + intervalMs, due: true }
      for (const listener of this.listeners) listener(tick)
    }, intervalMs)
    handle.unref?.()
    this.timers.set(accountId, { intervalMs, handle, dueAt: this.now() + intervalMs })
  }
}
