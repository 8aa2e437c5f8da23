import type { QuireDatabase } from '../database'
import { hasFlag } from '../message-flags'
import { messagesById } from '../message-queries'
import type { TaskQueue } from '../task-queue'
import type { DraftOrigin } from './compose-database'

/** RFC 3501 §2.3.2 \Answered; RFC 5788 $Forwarded. */
export const ANSWERED = '\\Answered'
export const FORWARDED = '$Forwarded'

/**
 * Marks the message a sent draft answered or forwarded, through the task queue (DESIGN.md flow 2):
 * the flag shows at once and reaches the server when it can. The original is found by Message-ID
 * first, since it may have moved since the draft was started. Returns whether a task was queued.
 */
export async function markOriginal(db: QuireDatabase, tasks: Pick<TaskQueue, 'enqueue'>, origin: DraftOrigin): Promise<boolean> {
  const byId = origin.messageId ? await messagesById(db, origin.accountId, origin.messageId) : []
  const row = byId.find((r) => r.path === origin.path && r.uid === origin.uid) ?? byId[0] ?? (await db.messages.get([origin.accountId, origin.path, origin.uid]))
  if (!row) return false
  const flag = origin.kind === 'reply' ? ANSWERED : FORWARDED
  if (hasFlag(row.flags, flag)) return false
  await tasks.enqueue(row.accountId, { kind: 'flags', path: row.path, uids: [row.uid], add: [flag], remove: [] })
  return true
}
