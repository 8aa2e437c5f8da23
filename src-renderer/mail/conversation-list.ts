import { Dexie } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey, QuireDatabase } from '../store/database'
import { keyId, type DatedKey } from './list-source'

/** Up to this many listed messages, their rows are read by key; past it, walking the thread index costs less. */
const READ_ROWS_UP_TO = 2000

/**
 * The thread of each listed message, by `keyId`. A short list reads its rows by key; a long one
 * walks the `[accountId+threadId]` index of its accounts once, keys only (no row is read), so a
 * folder of 100k messages costs one index walk, like the list itself.
 */
async function threadsOf(db: QuireDatabase, keys: readonly DatedKey[]): Promise<Map<string, string>> {
  const threads = new Map<string, string>()
  if (keys.length <= READ_ROWS_UP_TO) {
    const rows = await db.messages.bulkGet(keys.map((entry) => entry.key))
    for (const row of rows) if (row) threads.set(keyId([row.accountId, row.path, row.uid]), row.threadId)
    return threads
  }
  const accounts = [...new Set(keys.map((entry) => entry.key[0]))]
  await Promise.all(
    accounts.map(async (accountId: AccountId) => {
      const range = () => db.messages.where('[accountId+threadId]').between([accountId, Dexie.minKey], [accountId, Dexie.maxKey])
      const [indexKeys, primaryKeys] = await Promise.all([range().keys(), range().primaryKeys()])
      primaryKeys.forEach((key, i) => threads.set(keyId(key), (indexKeys[i] as unknown as [AccountId, string])[1]))
    }),
  )
  return threads
}

/**
 * Collapses a newest-first list to one row per conversation: the row is the thread's newest
 * listed message and carries every listed message of the thread (`members`, newest first), so
 * actions on it apply to the whole conversation. Threads are per account, as the store makes them.
 */
export function collapseThreads(keys: readonly DatedKey[], threadOf: ReadonlyMap<string, string>): DatedKey[] {
  const rows: { key: MessageKey; date: number; members: MessageKey[] }[] = []
  const byThread = new Map<string, (typeof rows)[number]>()
  for (const entry of keys) {
    const thread = threadOf.get(keyId(entry.key))
    const id = thread === undefined ? `\u0001${keyId(entry.key)}` : `${entry.key[0]}\u0000${thread}`
    const row = byThread.get(id)
    if (row) row.members.push(entry.key)
    else {
      const created = { key: entry.key, date: entry.date, members: [entry.key] }
      byThread.set(id, created)
      rows.push(created)
    }
  }
  return rows
}

/** The conversation view of a list of keys: one row per thread, newest thread first. */
export async function conversationKeys(db: QuireDatabase, keys: readonly DatedKey[]): Promise<DatedKey[]> {
  if (keys.length === 0) return []
  return collapseThreads(keys, await threadsOf(db, keys))
}
