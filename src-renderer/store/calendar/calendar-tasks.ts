import type { AccountId } from '../../../src-main/common/domain/account'
import type { CalendarConflict } from '../../../src-main/common/domain/calendar'
import { RpcError, type Client } from '../../rpc/client'
import { TaskLanes, type TaskLanesOptions } from '../task-lanes'
import type { CalendarDatabase, CalendarTaskRow, EventKey, EventRow } from './calendar-database'
import { eventRow } from './event-row'

export interface CalendarTaskOptions extends TaskLanesOptions {
  /** a write reached the server (or was refused): sync that calendar at once */
  onSettled?: (accountId: AccountId, calendarUrl: string) => void
}

type QueuedTask = CalendarTaskRow & { id: number }

/** Each calendar's writes go in order; calendars go side by side. */
interface Lane {
  accountId: AccountId
  calendarUrl: string
}

/**
 * The user's calendar writes on their way to the server (DESIGN.md flow 2). The change is already in
 * the store (the row, `pending`); a task names the object. Per calendar the tasks go in the order
 * they were made, one at a time, and survive a reload: offline work is a longer queue. Each write
 * carries the ETag the edit was based on, so someone else's change in between comes back as a
 * conflict — kept on the row with both versions for the user to choose — never as an overwrite.
 */
export class CalendarTaskQueue {
  private readonly lanes: TaskLanes<Lane, QueuedTask>
  private readonly now: () => number

  constructor(
    private readonly db: CalendarDatabase,
    private readonly client: Client,
    private readonly options: CalendarTaskOptions = {},
  ) {
    this.lanes = new TaskLanes(
      {
        key: (lane) => `${lane.accountId}\n${lane.calendarUrl}`,
        next: async (lane) => (await this.db.tasks.where('[accountId+calendarUrl]').equals([lane.accountId, lane.calendarUrl]).first()) as QueuedTask | undefined,
        send: (_lane, task, signal) => this.send(task, signal),
        describe: (lane) => `changes for ${lane.calendarUrl}`,
      },
      options,
    )
    this.now = this.lanes.now
  }

  async start(): Promise<void> {
    if (!this.lanes.start()) return
    const tasks = await this.db.tasks.toArray()
    for (const task of tasks) this.kick(task.accountId, task.calendarUrl)
  }

  stop(): void {
    this.lanes.stop()
  }

  /** The server is reachable again: send what waits now rather than at the end of its backoff. */
  async retryNow(accountId?: AccountId): Promise<void> {
    const waiting = await this.db.tasks.filter((t) => (!accountId || t.accountId === accountId) && t.nextAttemptAt > 0).toArray()
    if (waiting.length === 0) return
    await this.db.tasks.bulkUpdate(waiting.map((t) => ({ key: t.id!, changes: { nextAttemptAt: 0 } })))
    for (const task of waiting) this.kick(task.accountId, task.calendarUrl)
  }

  /** How many writes wait (the UI shows "3 changes waiting to be sent"). */
  count(): Promise<number> {
    return this.db.tasks.count()
  }

  kick(accountId: AccountId, calendarUrl: string): void {
    this.lanes.kick({ accountId, calendarUrl })
  }

  private async send(task: QueuedTask, signal: AbortSignal): Promise<void> {
    const { db } = this
    const key: EventKey = [task.accountId, task.calendarUrl, task.href]
    const row = await db.events.get(key)
    if (!row) {
      await db.tasks.delete(task.id)
      return
    }
    try {
      if (task.kind === 'put') await this.put(task, row, signal)
      else await this.delete(task, row, signal)
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof RpcError && error.code === 'CONFLICT') await this.conflict(task, error)
      else if (error instanceof RpcError && error.retryable) return this.retryLater(task, error)
      else await this.refuse(task, row, error)
    }
    this.options.onSettled?.(task.accountId, task.calendarUrl)
  }

  private async put(task: QueuedTask, row: EventRow, signal: AbortSignal): Promise<void> {
    const sent = row.data
    const result = await this.client.call('calendar.put', { accountId: row.accountId, calendarUrl: row.calendarUrl, href: row.href, etag: row.etag, data: sent }, { signal })
    const { db } = this
    await db.transaction('rw', [db.events, db.tasks], async () => {
      await db.tasks.delete(task.id)
      const current = await db.events.get([row.accountId, row.calendarUrl, row.href])
      if (!current) return
      const more = await db.tasks.where('href').equals(row.href).count()
      // a later edit made while this one travelled stays; it goes next, based on the new version
      const data = current.data === sent && result.data ? result.data : current.data
      await db.events.put({ ...eventRow(row.accountId, row.calendarUrl, row.href, result.etag, data, { pending: more > 0 ? 1 : 0, deleted: current.deleted, conflict: null }) })
    })
  }

  private async delete(task: QueuedTask, row: EventRow, signal: AbortSignal): Promise<void> {
    const { db } = this
    if (row.etag !== null) {
      await this.client.call('calendar.delete', { accountId: row.accountId, calendarUrl: row.calendarUrl, href: row.href, etag: row.etag }, { signal })
    }
    await db.transaction('rw', [db.events, db.tasks], async () => {
      await db.tasks.where('href').equals(row.href).delete()
      await db.events.delete([row.accountId, row.calendarUrl, row.href])
    })
  }

  /** Someone changed or deleted it on the server: keep both versions, stop writing, let the user choose. */
  private async conflict(task: QueuedTask, error: RpcError): Promise<void> {
    const { db } = this
    const current = (error.details as CalendarConflict | undefined)?.current ?? null
    await db.transaction('rw', [db.events, db.tasks], async () => {
      await db.tasks.where('href').equals(task.href).delete()
      await db.events.update([task.accountId, task.calendarUrl, task.href], {
        conflict: { etag: current?.etag ?? null, data: current?.data ?? null },
        pending: 1,
      })
    })
  }

  private async retryLater(task: QueuedTask, error: RpcError): Promise<void> {
    await this.db.tasks.update(task.id, this.lanes.backoff(task, error))
  }


  /**
   * The server refused the write for good (read-only calendar, data it would not take): drop the
   * local change, put the server's version back, and say why.
   */
  private async refuse(task: QueuedTask, row: EventRow, error: unknown): Promise<void> {
    const { db } = this
    const reason = error instanceof Error ? error.message : String(error)
    let server: { etag: string | null; data: string } | null | undefined
    if (row.etag !== null) {
      try {
        const fetched = await this.client.call('calendar.fetch', { accountId: row.accountId, calendarUrl: row.calendarUrl, hrefs: [row.href] })
        server = fetched.objects[0] ?? null
      } catch {
        server = undefined // unknown for now: the next full sync brings it back
      }
    } else server = null
    await db.transaction('rw', [db.events, db.tasks, db.notices], async () => {
      await db.tasks.where('href').equals(row.href).delete()
      const key: EventKey = [row.accountId, row.calendarUrl, row.href]
      if (server === null) await db.events.delete(key)
      else if (server) await db.events.put(eventRow(row.accountId, row.calendarUrl, row.href, server.etag, server.data))
      else await db.events.update(key, { pending: 0, deleted: 0, etag: '' })
      const what = row.summary.trim() ? `“${row.summary.trim()}”` : 'an event'
      await db.notices.add({ text: `Couldn’t ${task.kind === 'delete' ? 'delete' : 'save'} ${what}. ${reason}`, createdAt: this.now(), read: 0 })
    })
  }
}
