import type { AccountId } from '../../src-main/common/domain/account'
import type { MailTask } from '../../src-main/common/domain/mail'
import type { MessageKey, MessageRow, QuireDatabase } from './database'
import { flagFields, hasFlag, withFlags } from './message-flags'

/**
 * What a task changed in the cache before main confirmed it, kept in its task row so a refusal can
 * be undone exactly: the flags each message had, or the rows a move or expunge took away.
 */
export type Revert =
  | { kind: 'none' }
  | { kind: 'flags'; before: { uid: number; flags: string[] }[] }
  | { kind: 'rows'; rows: MessageRow[] }

const present = <T>(row: T | undefined): row is T => row !== undefined

function keysOf(accountId: AccountId, path: string, uids: readonly number[]): MessageKey[] {
  return uids.map((uid) => [accountId, path, uid])
}

/**
 * Shows a task's effect in the cache at once (flags set, messages gone from the folder they leave);
 * a copy shows nothing until the destination syncs. `only` limits it to some UIDs, for re-applying
 * a pending task to what a sync just wrote. Call inside a read-write transaction on `messages`.
 */
export async function applyOptimistic(db: QuireDatabase, accountId: AccountId, task: MailTask, only?: ReadonlySet<number>): Promise<Revert> {
  const uids = only ? task.uids.filter((uid) => only.has(uid)) : task.uids
  if (task.kind === 'copy' || uids.length === 0) return { kind: 'none' }
  const rows = (await db.messages.bulkGet(keysOf(accountId, task.path, uids))).filter(present)
  if (task.kind === 'flags') {
    await db.messages.bulkPut(
      rows.map((row) => {
        const flags = withFlags(row.flags, task.add, task.remove)
        return { ...row, flags, ...flagFields(flags) }
      }),
    )
    return { kind: 'flags', before: rows.map((row) => ({ uid: row.uid, flags: row.flags })) }
  }
  await db.messages.bulkDelete(rows.map((row) => [accountId, row.path, row.uid]))
  return { kind: 'rows', rows }
}

/**
 * Undoes `applyOptimistic` after main refused the task. Flags are put back by reversing only what the
 * task changed, so a change that arrived from the server meanwhile survives; removed rows come back
 * unless a sync brought them back already or their folder is gone. Call inside a read-write
 * transaction on `messages` and `folders`.
 */
export async function revertOptimistic(db: QuireDatabase, accountId: AccountId, task: MailTask, revert: Revert): Promise<void> {
  if (revert.kind === 'flags' && task.kind === 'flags') {
    const current = await db.messages.bulkGet(keysOf(accountId, task.path, revert.before.map((b) => b.uid)))
    const restored = revert.before.flatMap(({ flags: before }, i) => {
      const row = current[i]
      if (!row) return []
      const flags = withFlags(row.flags, task.remove.filter((f) => hasFlag(before, f)), task.add.filter((f) => !hasFlag(before, f)))
      return [{ ...row, flags, ...flagFields(flags) }]
    })
    await db.messages.bulkPut(restored)
  }
  if (revert.kind === 'rows' && revert.rows.length > 0) {
    if (!(await db.folders.get([accountId, task.path]))) return
    const current = await db.messages.bulkGet(keysOf(accountId, task.path, revert.rows.map((r) => r.uid)))
    await db.messages.bulkPut(revert.rows.filter((_, i) => !current[i]))
  }
}

/**
 * The flag changes that undo a flags task, grouped so each group is one task: per message only what
 * the task actually changed (marking a mix of read and unread messages read, then undoing, leaves the
 * read ones read).
 */
export function inverseFlagChanges(
  task: Extract<MailTask, { kind: 'flags' }>,
  before: readonly { uid: number; flags: readonly string[] }[],
): { uids: number[]; add: string[]; remove: string[] }[] {
  const groups = new Map<string, { uids: number[]; add: string[]; remove: string[] }>()
  for (const { uid, flags } of before) {
    const add = task.remove.filter((f) => hasFlag(flags, f))
    const remove = task.add.filter((f) => !hasFlag(flags, f))
    if (add.length === 0 && remove.length === 0) continue
    const signature = JSON.stringify([add, remove])
    const group = groups.get(signature) ?? { uids: [], add, remove }
    group.uids.push(uid)
    groups.set(signature, group)
  }
  return [...groups.values()]
}

/**
 * Keeps the user's pending changes visible through a sync of `path`: the server does not know them
 * yet, so a batch that brings older flags or brings a moved message back must not undo them on
 * screen. Messages the server reports gone are also dropped from the tasks' revert data, so a
 * refused task never resurrects them. Call inside the sync's transaction (messages, tasks).
 */
export async function keepPendingChanges(
  db: QuireDatabase,
  accountId: AccountId,
  path: string,
  written: ReadonlySet<number>,
  gone: ReadonlySet<number> | 'all',
): Promise<void> {
  const pending = await db.tasks
    .where('accountId')
    .equals(accountId)
    .filter((row) => row.task.path === path)
    .toArray()
  const isGone = (uid: number) => gone === 'all' || gone.has(uid)
  for (const row of pending) {
    const { revert } = row
    if (revert.kind === 'rows' && revert.rows.some((r) => isGone(r.uid))) {
      await db.tasks.update(row.id ?? 0, { revert: { kind: 'rows', rows: revert.rows.filter((r) => !isGone(r.uid)) } })
    }
    if (revert.kind === 'flags' && revert.before.some((b) => isGone(b.uid))) {
      await db.tasks.update(row.id ?? 0, { revert: { kind: 'flags', before: revert.before.filter((b) => !isGone(b.uid)) } })
    }
    // after a UIDVALIDITY reset the task's UIDs name other messages, so it must not touch the new rows
    if (gone !== 'all' && written.size > 0) await applyOptimistic(db, accountId, row.task, written)
  }
}
