import { Dexie } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MailTask, SpecialUse } from '../../src-main/common/domain/mail'
import type { MessageKey, QuireDatabase } from './database'
import { folderWithRole } from './folders'
import { FLAGGED, JUNK, NOT_JUNK, SEEN } from './message-flags'
import { ObservableValue } from './observable-value'
import { inverseFlagChanges, type Revert } from './optimistic-change'
import type { TaskQueue } from './task-queue'

/** A message as the UI selects it: one row of one folder. */
export interface MessageRef {
  accountId: AccountId
  path: string
  uid: number
}

/** The account has no folder with this role (RFC 6154), so the action has nowhere to put the messages. */
export class MissingFolderError extends Error {
  constructor(
    readonly accountId: AccountId,
    readonly role: SpecialUse,
  ) {
    super(`This account has no ${role} folder. Choose one in the account's folder settings, or pick a folder to move the messages to.`)
    this.name = 'MissingFolderError'
  }
}

/** One task of a user action, with what finding its messages again takes. */
interface UndoStep {
  accountId: AccountId
  taskId: number
  task: MailTask
  revert: Revert
  /** the Message-ID of each UID at the time of the action: a move gives the messages new UIDs */
  messageIds: ReadonlyMap<number, string>
  /** UIDNEXT of the destination before the action: the moved or copied messages are at or above it */
  destinationUidNext: number
}

interface UndoEntry {
  label: string
  steps: UndoStep[]
}

interface FolderGroup {
  accountId: AccountId
  path: string
  uids: number[]
}

type TaskFor = (group: FolderGroup) => Promise<MailTask[]>

const UNDO_DEPTH = 20

/** Items of one account and folder together, in the order each folder first appears. */
function perFolder<T>(items: readonly T[], folderOf: (item: T) => { accountId: AccountId; path: string }): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const { accountId, path } = folderOf(item)
    const id = JSON.stringify([accountId, path])
    groups.set(id, [...(groups.get(id) ?? []), item])
  }
  return [...groups.values()]
}

/**
 * What the user does to messages, in their words: each action becomes tasks (DESIGN.md flow 2) on
 * the folders that play the needed role, and can be undone while that is possible.
 */
export class MailActions {
  /** The label of the action `undoLast` would undo, or null. */
  readonly undoable = new ObservableValue<string | null>(null)
  private readonly history: UndoEntry[] = []

  constructor(
    private readonly db: QuireDatabase,
    private readonly queue: TaskQueue,
    /** syncs a folder and resolves when it is done; undoing a move waits for the destination */
    private readonly syncFolder: (accountId: AccountId, path: string) => Promise<void>,
  ) {}

  markRead(messages: readonly MessageRef[]): Promise<void> {
    return this.changeFlags('Mark as read', messages, [SEEN], [])
  }

  markUnread(messages: readonly MessageRef[]): Promise<void> {
    return this.changeFlags('Mark as unread', messages, [], [SEEN])
  }

  flag(messages: readonly MessageRef[]): Promise<void> {
    return this.changeFlags('Flag', messages, [FLAGGED], [])
  }

  unflag(messages: readonly MessageRef[]): Promise<void> {
    return this.changeFlags('Unflag', messages, [], [FLAGGED])
  }

  /** Moves the messages to the folder `to` of their own account. */
  async move(messages: readonly MessageRef[], to: string): Promise<void> {
    const label = `Move to ${await this.folderName(messages, to)}`
    return this.act(label, messages, async ({ path, uids }) => (path === to ? [] : [{ kind: 'move', path, uids, to }]))
  }

  /** Copies the messages to the folder `to` of their own account. */
  async copy(messages: readonly MessageRef[], to: string): Promise<void> {
    const label = `Copy to ${await this.folderName(messages, to)}`
    return this.act(label, messages, async ({ path, uids }) => (path === to ? [] : [{ kind: 'copy', path, uids, to }]))
  }

  /** To Trash; what is already in Trash is deleted for good. */
  delete(messages: readonly MessageRef[]): Promise<void> {
    return this.act('Delete', messages, async ({ accountId, path, uids }) => {
      const trash = await this.folderFor(accountId, 'trash')
      return path === trash ? [{ kind: 'expunge', path, uids }] : [{ kind: 'move', path, uids, to: trash }]
    })
  }

  /** Deletes for good, without Trash (RFC 4315 UID EXPUNGE of exactly these messages); cannot be undone once sent. */
  deletePermanently(messages: readonly MessageRef[]): Promise<void> {
    return this.act('Delete permanently', messages, async ({ path, uids }) => [{ kind: 'expunge', path, uids }])
  }

  archive(messages: readonly MessageRef[]): Promise<void> {
    return this.act('Archive', messages, async ({ accountId, path, uids }) => {
      const archive = await this.folderFor(accountId, 'archive')
      return path === archive ? [] : [{ kind: 'move', path, uids, to: archive }]
    })
  }

  /** Tells the server's filter it was junk (RFC 5788 $Junk) and moves it to Junk. */
  markJunk(messages: readonly MessageRef[]): Promise<void> {
    return this.act('Mark as junk', messages, async ({ accountId, path, uids }) => {
      const junk = await this.folderFor(accountId, 'junk')
      const flags: MailTask = { kind: 'flags', path, uids, add: [JUNK], remove: [NOT_JUNK] }
      return path === junk ? [flags] : [flags, { kind: 'move', path, uids, to: junk }]
    })
  }

  /** Tells the server's filter it was not junk ($NotJunk) and moves it to INBOX. */
  markNotJunk(messages: readonly MessageRef[]): Promise<void> {
    return this.act('Mark as not junk', messages, async ({ accountId, path, uids }) => {
      const inbox = await this.folderFor(accountId, 'inbox')
      const flags: MailTask = { kind: 'flags', path, uids, add: [NOT_JUNK], remove: [JUNK] }
      return path === inbox ? [flags] : [flags, { kind: 'move', path, uids, to: inbox }]
    })
  }

  /**
   * Undoes the last action. Tasks main has not received are simply taken back; for the others the
   * inverse is queued: flags set back as they were, moved messages found in their destination by
   * Message-ID (after it synced) and moved back, copies deleted. A deletion for good stays done.
   * Resolves true if anything was undone or queued to be.
   */
  async undoLast(): Promise<boolean> {
    const entry = this.history.pop()
    this.undoable.set(this.history.at(-1)?.label ?? null)
    if (!entry) return false
    const applied = new Set(await this.queue.cancel(entry.steps.map((step) => step.taskId)))
    const sent = entry.steps.filter((step) => applied.has(step.taskId))
    const inverse: { accountId: AccountId; task: MailTask }[] = []
    for (const steps of perFolder(sent, (step) => ({ accountId: step.accountId, path: step.task.path }))) {
      inverse.push(...(await this.inverseOf(steps)))
    }
    if (inverse.length > 0) await this.queue.enqueueAll(inverse)
    return inverse.length > 0 || sent.length < entry.steps.length
  }

  private changeFlags(label: string, messages: readonly MessageRef[], add: string[], remove: string[]): Promise<void> {
    return this.act(label, messages, async ({ path, uids }) => [{ kind: 'flags', path, uids, add, remove }])
  }

  /** What the user calls the folder `path` (its name, not its full path), for labels. */
  private async folderName(messages: readonly MessageRef[], path: string): Promise<string> {
    const [first] = messages
    return (first && (await this.db.folders.get([first.accountId, path]))?.name) || path
  }

  private async folderFor(accountId: AccountId, role: SpecialUse): Promise<string> {
    const folder = await folderWithRole(this.db, accountId, role)
    if (!folder) throw new MissingFolderError(accountId, role)
    return folder.path
  }

  /** Turns each folder's share of the selection into tasks, queues them all at once and remembers how to undo them. */
  private async act(label: string, messages: readonly MessageRef[], tasksFor: TaskFor): Promise<void> {
    const planned: { group: FolderGroup; task: MailTask }[] = []
    for (const refs of perFolder(messages, (ref) => ref)) {
      const [first] = refs
      if (!first) continue
      const group: FolderGroup = { accountId: first.accountId, path: first.path, uids: [...new Set(refs.map((ref) => ref.uid))] }
      for (const task of await tasksFor(group)) planned.push({ group, task })
    }
    if (planned.length === 0) return
    const context = await Promise.all(
      planned.map(async ({ group, task }) => {
        const rows = await this.db.messages.bulkGet(group.uids.map((uid): MessageKey => [group.accountId, group.path, uid]))
        const messageIds = new Map(rows.flatMap((row) => (row?.messageId ? [[row.uid, row.messageId] as const] : [])))
        const destination = task.kind === 'move' || task.kind === 'copy' ? await this.db.cursors.get([group.accountId, task.to]) : undefined
        return { messageIds, destinationUidNext: destination?.uidNext ?? 0 }
      }),
    )
    const queued = await this.queue.enqueueAll(planned.map(({ group, task }) => ({ accountId: group.accountId, task })))
    const steps = queued.map((row, i) => ({
      accountId: row.accountId,
      taskId: row.id,
      task: row.task,
      revert: row.revert,
      messageIds: context[i]?.messageIds ?? new Map<number, string>(),
      destinationUidNext: context[i]?.destinationUidNext ?? 0,
    }))
    this.history.push({ label, steps })
    if (this.history.length > UNDO_DEPTH) this.history.shift()
    this.undoable.set(label)
  }

  /**
   * The tasks that undo one folder's share of an action that main applied. Flags are set back
   * where the messages are now (after a move, in the destination), then they are moved back.
   */
  private async inverseOf(steps: readonly UndoStep[]): Promise<{ accountId: AccountId; task: MailTask }[]> {
    const [first] = steps
    if (!first) return []
    const { accountId } = first
    const relocation = steps.find((step) => step.task.kind === 'move' || step.task.kind === 'copy')
    const located = relocation ? await this.findInDestination(relocation) : null
    const inverse: MailTask[] = []
    for (const step of steps) {
      if (step.task.kind !== 'flags' || step.revert.kind !== 'flags') continue
      for (const change of inverseFlagChanges(step.task, step.revert.before)) {
        const path = located?.path ?? step.task.path
        const uids = located ? change.uids.flatMap((uid) => located.uids.get(uid) ?? []) : change.uids
        if (uids.length > 0) inverse.push({ kind: 'flags', path, uids, add: change.add, remove: change.remove })
      }
    }
    if (relocation && located && located.uids.size > 0) {
      const uids = [...new Set(located.uids.values())]
      inverse.push(relocation.task.kind === 'copy' ? { kind: 'expunge', path: located.path, uids } : { kind: 'move', path: located.path, uids, to: relocation.task.path })
    }
    return inverse.map((task) => ({ accountId, task }))
  }

  /** Where a moved or copied message landed: the destination's new UIDs, by the source UID they came from. */
  private async findInDestination(step: UndoStep): Promise<{ path: string; uids: Map<number, number> } | null> {
    if (step.task.kind !== 'move' && step.task.kind !== 'copy') return null
    const { to } = step.task
    const { accountId, destinationUidNext } = step
    try {
      await this.syncFolder(accountId, to)
    } catch {
      // offline or the folder cannot be opened: undo what the cache already shows
    }
    const sourceOf = new Map<string, number[]>()
    for (const [uid, messageId] of step.messageIds) sourceOf.set(messageId, [...(sourceOf.get(messageId) ?? []), uid])
    // what arrived in the destination since the action, matched by Message-ID
    const landed = await this.db.messages
      .where('[accountId+path+uid]')
      .between([accountId, to, destinationUidNext], [accountId, to, Dexie.maxKey])
      .filter((row) => row.messageId !== null && sourceOf.has(row.messageId))
      .toArray()
    const uids = new Map<number, number>()
    for (const row of landed) {
      // two copies of one Message-ID pair off one to one
      const source = sourceOf.get(row.messageId ?? '')?.shift()
      if (source !== undefined) uids.set(source, row.uid)
    }
    return { path: to, uids }
  }
}
