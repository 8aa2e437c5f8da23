import type { AccountId } from '../../src-main/common/domain/account'
import type { MailTask } from '../../src-main/common/domain/mail'
import { RpcError, type Client } from '../rpc/client'
import type { MessageKey, QuireDatabase, TaskRow } from './database'
import { FLAGGED, SEEN } from './message-flags'
import { addNotice } from './notices'
import { applyOptimistic, revertOptimistic } from './optimistic-change'
import { TaskLanes, type TaskLanesOptions } from './task-lanes'

export interface TaskQueueOptions extends TaskLanesOptions {
  /** told once main applied or refused a task, with the folders it touched, so they sync */
  onSettled?: (accountId: AccountId, paths: string[]) => void
}

/** A task as stored: its id orders it among the account's tasks. */
export type QueuedTask = TaskRow & { id: number }

/** The folders whose cache a task changes on the server. */
export function foldersTouchedBy(task: MailTask): string[] {
  switch (task.kind) {
    case 'move':
      return [task.path, task.to]
    case 'copy':
      return [task.to]
    default:
      return [task.path]
  }
}

/**
 * The user's changes on their way to the server (DESIGN.md flow 2). Each change is shown in the
 * cache at once and stored as a task in the same transaction; per account the tasks go to main one
 * at a time, in the order they were made, and survive a reload. A failure that may pass (offline,
 * timeout) keeps the task and retries it with exponential backoff, or at once when the account is
 * back online; a refusal puts the cache back and leaves a notice saying why.
 */
export class TaskQueue {
  /** tasks being cancelled: the runner must not start them */
  private readonly held = new Set<number>()
  private readonly lanes: TaskLanes<AccountId, QueuedTask>
  private readonly now: () => number

  constructor(
    private readonly db: QuireDatabase,
    private readonly client: Client,
    private readonly options: TaskQueueOptions = {},
  ) {
    this.lanes = new TaskLanes(
      {
        key: (accountId) => accountId,
        next: async (accountId) => (await this.db.tasks.where('accountId').equals(accountId).first()) as QueuedTask | undefined,
        send: (accountId, row, signal) => this.send(accountId, row, signal),
        held: (row) => this.held.has(row.id),
        describe: (accountId) => `changes for account ${accountId}`,
      },
      options,
    )
    this.now = this.lanes.now
  }

  /** Applies the change to the cache and queues it for main; resolves with the task id once both are stored. */
  async enqueue(accountId: AccountId, task: MailTask): Promise<number> {
    const [queued] = await this.enqueueAll([{ accountId, task }])
    if (!queued) throw new Error('enqueueAll returned no task')
    return queued.id
  }

  /** Like `enqueue` for several changes made by one user action: all are stored, in order, or none. */
  async enqueueAll(items: readonly { accountId: AccountId; task: MailTask }[]): Promise<QueuedTask[]> {
    const { db } = this
    const queued = await db.transaction('rw', [db.messages, db.tasks], async () => {
      const rows: QueuedTask[] = []
      for (const { accountId, task } of items) {
        const revert = await applyOptimistic(db, accountId, task)
        const row: TaskRow = { accountId, task, revert, attempts: 0, nextAttemptAt: 0, lastError: null, createdAt: this.now() }
        rows.push({ ...row, id: await db.tasks.add(row) })
      }
      return rows
    })
    for (const accountId of new Set(items.map((item) => item.accountId))) this.lanes.kick(accountId)
    return queued
  }

  /** Starts sending, beginning with the tasks a previous session left. */
  async start(): Promise<void> {
    if (!this.lanes.start()) return
    for (const accountId of await this.db.tasks.orderBy('accountId').uniqueKeys()) this.lanes.kick(accountId as AccountId)
  }

  /** Stops sending; an answer still on its way is ignored and its task is sent again next start. */
  stop(): void {
    this.lanes.stop()
  }

  /** The account is reachable again: retry its waiting task now rather than at the end of its backoff. */
  async retryNow(accountId: AccountId): Promise<void> {
    await this.db.tasks.where('accountId').equals(accountId).modify({ nextAttemptAt: 0 })
    this.lanes.kick(accountId)
  }

  /**
   * Takes back tasks main has not received, reverting their change in the cache, newest first.
   * A task on its way is waited for (it may still fail and become cancellable). Returns the ids
   * that could not be taken back because main applied them or they are gone.
   */
  async cancel(ids: readonly number[]): Promise<number[]> {
    const { db } = this
    for (const id of ids) this.held.add(id)
    try {
      await this.lanes.answered(ids)
      return await db.transaction('rw', [db.messages, db.folders, db.tasks], async () => {
        const rows = await db.tasks.bulkGet([...ids])
        for (const row of [...rows].reverse()) {
          if (!row?.id) continue
          await revertOptimistic(db, row.accountId, row.task, row.revert)
          await db.tasks.delete(row.id)
        }
        return ids.filter((_, i) => !rows[i])
      })
    } finally {
      for (const id of ids) this.held.delete(id)
      this.lanes.kickAll()
    }
  }

  private async send(accountId: AccountId, row: QueuedTask, signal: AbortSignal): Promise<void> {
    try {
      await this.client.call('mail.apply', { accountId, task: row.task }, { signal })
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof RpcError && error.retryable) {
        await this.db.tasks.update(row.id, this.lanes.backoff(row, error))
        return
      }
      await this.refuse(accountId, row, error)
      this.options.onSettled?.(accountId, foldersTouchedBy(row.task))
      return
    }
    const { db } = this
    await db.transaction('rw', [db.tasks, db.bodies], async () => {
      await db.tasks.delete(row.id)
      // the bodies stayed so that a refusal could show the message again; now they are of no use
      if (row.task.kind === 'move' || row.task.kind === 'expunge') {
        const { path } = row.task
        await db.bodies.bulkDelete(row.task.uids.map((uid): MessageKey => [accountId, path, uid]))
      }
    })
    this.options.onSettled?.(accountId, foldersTouchedBy(row.task))
  }

  /** Main refused the change for good: put the cache back as it was and tell the user why. */
  private async refuse(accountId: AccountId, row: QueuedTask, error: unknown): Promise<void> {
    const { db } = this
    const reason = error instanceof Error ? error.message : String(error)
    await db.transaction('rw', [db.messages, db.folders, db.tasks, db.notices], async () => {
      const text = `Couldn’t ${await describe(db, accountId, row)}. ${reason}`
      await revertOptimistic(db, accountId, row.task, row.revert)
      await db.tasks.delete(row.id)
      await addNotice(db, accountId, text, this.now())
    })
  }
}

/** "move “Lunch on Friday” and 2 more to Archive": the task in the user's words, naming its messages by subject. */
async function describe(db: QuireDatabase, accountId: AccountId, row: TaskRow): Promise<string> {
  const { task, revert } = row
  const rows =
    revert.kind === 'rows' ? revert.rows : (await db.messages.bulkGet(task.uids.map((uid): MessageKey => [accountId, task.path, uid]))).filter((r) => r !== undefined)
  const [first] = rows
  const subject = first ? `“${first.subject.trim() || '(no subject)'}”` : task.uids.length === 1 ? 'a message' : `${task.uids.length} messages`
  const what = first && task.uids.length > 1 ? `${subject} and ${task.uids.length - 1} more` : subject
  const folderName = async (path: string) => (await db.folders.get([accountId, path]))?.name ?? path
  switch (task.kind) {
    case 'move':
      return `move ${what} to ${await folderName(task.to)}`
    case 'copy':
      return `copy ${what} to ${await folderName(task.to)}`
    case 'expunge':
      return `delete ${what}`
    case 'flags': {
      const only = (flags: string[], flag: string) => flags.length === 1 && flags[0] === flag
      if (only(task.add, SEEN) && task.remove.length === 0) return `mark ${what} as read`
      if (only(task.remove, SEEN) && task.add.length === 0) return `mark ${what} as unread`
      if (only(task.add, FLAGGED) && task.remove.length === 0) return `flag ${what}`
      if (only(task.remove, FLAGGED) && task.add.length === 0) return `unflag ${what}`
      return `change the flags of ${what}`
    }
  }
}
