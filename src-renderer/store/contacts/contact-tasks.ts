import type { AccountId } from '../../../src-main/common/domain/account'
import type { ContactConflict, ContactTask, StoredCard } from '../../../src-main/common/domain/contact'
import { RpcError, type Client } from '../../rpc/client'
import { TaskLanes, type TaskLanesOptions } from '../task-lanes'
import { cardRow, displayName } from './card-index'
import type { CardRow, ContactTaskRow, ContactsDatabase } from './contacts-database'

export type ContactTasksOptions = TaskLanesOptions

/** One user change: the task for main and how the card row looks once it is made (null: gone). */
export interface ContactChange {
  accountId: AccountId
  bookUrl: string
  href: string
  task: ContactTask
  after: CardRow | null
}

type QueuedTask = ContactTaskRow & { id: number }

/**
 * The user's contact changes on their way to the server (DESIGN.md flow 2). Each change is shown
 * at once and stored as a task in the same transaction; per account the tasks go to main one at a
 * time, in order, and survive a reload, so offline edits simply wait. A failure that may pass
 * retries with backoff; a 412 keeps both versions as a conflict for the user to settle; any other
 * refusal puts the card back and leaves a notice saying why.
 */
export class ContactTasks {
  private readonly lanes: TaskLanes<AccountId, QueuedTask>
  private readonly now: () => number

  constructor(
    private readonly db: ContactsDatabase,
    private readonly client: Client,
    options: ContactTasksOptions = {},
  ) {
    this.lanes = new TaskLanes(
      {
        key: (accountId) => accountId,
        next: async (accountId) => (await this.db.tasks.where('accountId').equals(accountId).first()) as QueuedTask | undefined,
        send: (_accountId, row, signal) => this.send(row, signal),
        describe: (accountId) => `contact changes for account ${accountId}`,
      },
      options,
    )
    this.now = this.lanes.now
  }

  /** Shows the changes and queues them, all or none, in one transaction. */
  async enqueue(changes: readonly ContactChange[]): Promise<void> {
    const { db } = this
    await db.transaction('rw', [db.cards, db.tasks, db.conflicts], async () => {
      for (const change of changes) {
        const key: [AccountId, string] = [change.accountId, change.href]
        const before = (await db.cards.get(key)) ?? null
        if (change.after) await db.cards.put({ ...change.after, pending: 1 })
        else await db.cards.delete(key)
        await db.conflicts.delete(key)
        await db.tasks.add({
          accountId: change.accountId,
          bookUrl: change.bookUrl,
          href: change.href,
          task: change.task,
          before,
          attempts: 0,
          nextAttemptAt: 0,
          lastError: null,
          createdAt: this.now(),
        })
      }
    })
    for (const accountId of new Set(changes.map((c) => c.accountId))) this.lanes.kick(accountId)
  }

  async start(): Promise<void> {
    if (!this.lanes.start()) return
    for (const accountId of await this.db.tasks.orderBy('accountId').uniqueKeys()) this.lanes.kick(accountId as AccountId)
  }

  stop(): void {
    this.lanes.stop()
  }

  /** The account answered again: send what waits now rather than at the end of its backoff. */
  async retryNow(accountId: AccountId): Promise<void> {
    await this.db.tasks.where('accountId').equals(accountId).modify({ nextAttemptAt: 0 })
    this.lanes.kick(accountId)
  }

  /** Resolves once no task of the account is left (or one waits for a retry). */
  async settled(accountId: AccountId): Promise<void> {
    for (;;) {
      const next = await this.db.tasks.where('accountId').equals(accountId).first()
      if (!next || next.nextAttemptAt > this.now()) return
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** The task as it goes out: edits and deletes name the version the card row now stands on (an earlier task of ours may have moved it). */
  private async rebased(row: ContactTaskRow): Promise<ContactTask> {
    const { task } = row
    if (task.kind === 'create') return task
    const current = await this.db.cards.get([row.accountId, row.href])
    const base = current ?? row.before
    return { ...task, etag: base?.etag ?? task.etag }
  }

  private async send(row: QueuedTask, signal: AbortSignal): Promise<void> {
    let stored: StoredCard | null
    try {
      const task = await this.rebased(row)
      stored = (await this.client.call('contacts.apply', { accountId: row.accountId, task }, { signal })).stored
    } catch (error) {
      if (signal.aborted) return
      if (error instanceof RpcError && (error.code === 'CONFLICT' || (error.code === 'NOT_FOUND' && row.task.kind === 'update'))) {
        const current = error.code === 'CONFLICT' ? ((error.details as ContactConflict | undefined)?.current ?? null) : null
        return this.conflict(row, current)
      }
      if (error instanceof RpcError && error.retryable) {
        await this.db.tasks.update(row.id, this.lanes.backoff(row, error))
        return
      }
      return this.refuse(row, error)
    }
    await this.stored(row, stored)
  }

  private async stored(row: QueuedTask, stored: StoredCard | null): Promise<void> {
    const { db } = this
    await db.transaction('rw', [db.cards, db.tasks], async () => {
      await db.tasks.delete(row.id)
      if (!stored) return
      const key: [AccountId, string] = [row.accountId, stored.href]
      const later = await db.tasks.where('[accountId+href]').equals(key).count()
      const current = await db.cards.get(key)
      if (later === 0 || !current) {
        await db.cards.put(cardRow(row.accountId, row.bookUrl, stored))
      } else {
        // more changes of this card are queued: keep showing the newest, standing on the version just stored
        await db.cards.put({ ...current, etag: stored.etag, raw: stored.raw })
      }
    })
  }

  /** Both versions are kept: the user's in the card row (or `mine`), the server's in the conflict. */
  private async conflict(row: QueuedTask, server: StoredCard | null): Promise<void> {
    const { db } = this
    const key: [AccountId, string] = [row.accountId, row.href]
    await db.transaction('rw', [db.cards, db.tasks, db.conflicts], async () => {
      const later = await db.tasks.where('[accountId+href]').equals(key).toArray()
      await db.tasks.bulkDelete(later.map((t) => t.id!))
      const current = await db.cards.get(key)
      const { task } = row
      if (task.kind === 'delete') {
        if (!server) return
        const mine = row.before?.card
        if (!mine) return
        await db.cards.put(cardRow(row.accountId, row.bookUrl, server, { conflicted: 1 }))
        await db.conflicts.put({ accountId: row.accountId, href: row.href, bookUrl: row.bookUrl, action: 'delete', mine, mineBaseRaw: row.before?.raw ?? null, server, createdAt: this.now() })
        return
      }
      const mine = current?.card ?? task.card
      const mineBaseRaw = task.kind === 'update' ? task.baseRaw || null : (task.raw ?? null)
      if (current) await db.cards.put({ ...current, pending: 0, conflicted: 1 })
      await db.conflicts.put({ accountId: row.accountId, href: row.href, bookUrl: row.bookUrl, action: task.kind, mine, mineBaseRaw, server, createdAt: this.now() })
    })
  }

  /** Main refused the change for good: the card goes back to how it was before it (and later changes of it), with a notice. */
  private async refuse(row: QueuedTask, error: unknown): Promise<void> {
    const { db } = this
    const reason = error instanceof Error ? error.message : String(error)
    const key: [AccountId, string] = [row.accountId, row.href]
    await db.transaction('rw', [db.cards, db.tasks, db.notices], async () => {
      const later = await db.tasks.where('[accountId+href]').equals(key).toArray()
      await db.tasks.bulkDelete(later.map((t) => t.id!))
      if (row.before) await db.cards.put(row.before)
      else await db.cards.delete(key)
      const name = row.task.kind === 'delete' ? displayName(row.before?.card ?? ({ formattedName: 'a contact' } as CardRow['card'])) : displayName(row.task.card)
      const verb = row.task.kind === 'create' ? 'save' : row.task.kind === 'update' ? 'save the changes to' : 'delete'
      await db.notices.add({ text: `Couldn’t ${verb} “${name}”. ${reason}`, createdAt: this.now(), read: 0 })
    })
  }
}
