import { Dexie } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey, MessageRow, QuireDatabase } from '../store/database'
import type { DatedKey, ListedKeys } from './listed-keys'

/** Up to this many listed messages, their rows are read by key; past it, walking the thread index costs less. */
const READ_ROWS_UP_TO = 2000

/** The thread of a listed message, looked up without building a string per message (lists run to 100k). */
export class ThreadLookup {
  private readonly byAccount = new Map<string, Map<string, Map<number, string>>>()

  set(key: MessageKey, threadId: string): void {
    let byPath = this.byAccount.get(key[0])
    if (!byPath) this.byAccount.set(key[0], (byPath = new Map()))
    let byUid = byPath.get(key[1])
    if (!byUid) byPath.set(key[1], (byUid = new Map()))
    byUid.set(key[2], threadId)
  }

  get(key: MessageKey): string | undefined {
    return this.byAccount.get(key[0])?.get(key[1])?.get(key[2])
  }
}

/**
 * The thread of each listed message. A short list reads its rows by key; a long one walks the
 * `[accountId+threadId]` index of its accounts once, keys only (no row is read), so a folder of
 * 100k messages costs one index walk, like the list itself.
 */
async function threadsOf(db: QuireDatabase, keys: readonly DatedKey[], readRowsUpTo: number): Promise<ThreadLookup> {
  const threads = new ThreadLookup()
  if (keys.length <= readRowsUpTo) {
    const rows = await db.messages.bulkGet(keys.map((entry) => entry.key))
    for (const row of rows) if (row) threads.set([row.accountId, row.path, row.uid], row.threadId)
    return threads
  }
  const accounts = [...new Set(keys.map((entry) => entry.key[0]))]
  await Promise.all(
    accounts.map(async (accountId: AccountId) => {
      const range = () => db.messages.where('[accountId+threadId]').between([accountId, Dexie.minKey], [accountId, Dexie.maxKey])
      const [indexKeys, primaryKeys] = await Promise.all([range().keys(), range().primaryKeys()])
      primaryKeys.forEach((key, i) => threads.set(key, (indexKeys[i] as unknown as [AccountId, string])[1]))
    }),
  )
  return threads
}

/**
 * Collapses a newest-first list to one row per conversation: the row is the thread's newest
 * listed message and carries every listed message of the thread (`members`, newest first), so
 * actions on it apply to the whole conversation. Threads are per account, as the store makes them;
 * a message whose thread is unknown keeps a row of its own.
 */
export function collapseThreads(keys: readonly DatedKey[], threads: Pick<ThreadLookup, 'get'>): DatedKey[] {
  const rows: { key: MessageKey; date: number; members: MessageKey[] }[] = []
  const byAccount = new Map<string, Map<string, (typeof rows)[number]>>()
  for (const entry of keys) {
    const thread = threads.get(entry.key)
    let byThread = byAccount.get(entry.key[0])
    if (!byThread) byAccount.set(entry.key[0], (byThread = new Map()))
    const row = thread === undefined ? undefined : byThread.get(thread)
    if (row) row.members.push(entry.key)
    else {
      const created = { key: entry.key, date: entry.date, members: [entry.key] }
      if (thread !== undefined) byThread.set(thread, created)
      rows.push(created)
    }
  }
  return rows
}

/** The conversation view of a list of keys: one row per thread, newest thread first. */
export async function conversationKeys(db: QuireDatabase, listed: ListedKeys, readRowsUpTo = READ_ROWS_UP_TO): Promise<DatedKey[]> {
  if (listed.length === 0) return []
  const keys = listed.slice()
  return collapseThreads(keys, await threadsOf(db, keys, readRowsUpTo))
}

/** A thread as one string: threads are per account. */
export function threadKey(row: Pick<MessageRow, 'accountId' | 'threadId'>): string {
  return `${row.accountId}\u0000${row.threadId}`
}

/**
 * Every cached message of the rows' threads, in any folder of their accounts, by `threadKey`: the
 * list's screenful of rows costs one index query, not one per row.
 */
export async function threadsOfRows(db: QuireDatabase, rows: readonly (MessageRow | undefined)[]): Promise<Map<string, MessageRow[]>> {
  const wanted = new Map<string, [AccountId, string]>()
  for (const row of rows) if (row) wanted.set(threadKey(row), [row.accountId, row.threadId])
  const threads = new Map<string, MessageRow[]>()
  if (wanted.size === 0) return threads
  for (const message of await db.messages.where('[accountId+threadId]').anyOf([...wanted.values()]).toArray()) {
    const id = threadKey(message)
    const list = threads.get(id)
    if (list) list.push(message)
    else threads.set(id, [message])
  }
  return threads
}
