import { cmp, RangeSet, type IntervalTree, type ObservabilitySet } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey, MessageRow, QuireDatabase } from '../store/database'
import { keyId, PackedKeysBuilder, type PackedKeys } from './listed-keys'

/** More messages than this in one write: the list is read again instead (a bulk action). */
const MAX_PATCHED = 200

/** A folder as one string (IMAP mailbox names cannot contain NUL). */
const folderId = (accountId: AccountId, path: string) => `${accountId}\u0000${path}`

const isMessageKey = (key: unknown): key is MessageKey => Array.isArray(key) && key.length === 3 && typeof key[2] === 'number'

/**
 * The messages a committed write names one by one, or null when it names a range. Dexie notes the
 * primary key of each row that a request of fewer than 50 rows puts or deletes; for larger requests
 * (a sync batch) and range deletions (a folder dropped) it notes a range, every key or the range
 * deleted, which does not say which messages changed.
 */
export function writtenMessages(changed: ObservabilitySet, database: string): MessageKey[] | null {
  if ((changed as { all?: boolean }).all) return null
  const keys = new Map<string, MessageKey>()
  // '' holds the keys written, ':dels' those written or deleted without their old values known
  for (const part of ['', ':dels']) {
    const tree = changed[`idb://${database}/messages/${part}`]
    if (!tree) continue
    for (const { from, to } of RangeSet(tree as IntervalTree)) {
      if (cmp(from, to) !== 0 || !isMessageKey(from)) return null
      keys.set(keyId(from), from)
      if (keys.size > MAX_PATCHED) return null
    }
  }
  return [...keys.values()]
}

/** Whether a committed write changed any row of `table`. */
export function wroteTable(changed: ObservabilitySet, database: string, table: string): boolean {
  if ((changed as { all?: boolean }).all) return true
  const prefix = `idb://${database}/${table}/`
  return Object.entries(changed).some(([part, tree]) => part.startsWith(prefix) && 'from' in (tree as object))
}

interface Entry {
  accountId: AccountId
  path: string
  uid: number
  date: number
  rank: number
}

/** List order: newest first; at one date by folder rank, then the higher UID first (the reverse walk of a folder's date index). */
const before = (a: Entry, b: Entry) => a.date > b.date || (a.date === b.date && (a.rank < b.rank || (a.rank === b.rank && a.uid > b.uid)))

/**
 * `list` (the messages of `folders` that `member` admits, listed as `folderDated` and
 * `mergeNewestFirst` list them) with the messages `keys` as the store has them now: each taken out,
 * and put back in its place if it is still in one of the folders and admitted. One read of those
 * rows by key, where reading the list again walks the whole of each folder's date index (about a
 * second for 100k messages): a flag change, an arrival or a deletion costs the list a few
 * milliseconds. `folders` is in the order that breaks ties between folders. Returns `list` itself
 * when none of the messages came, went or moved.
 */
export async function patchListed(
  db: QuireDatabase,
  list: PackedKeys,
  folders: readonly (readonly [AccountId, string])[],
  keys: readonly MessageKey[],
  member: (row: MessageRow) => boolean = () => true,
): Promise<PackedKeys> {
  const rankOf = new Map(folders.map(([accountId, path], rank) => [folderId(accountId, path), rank]))
  const ours = keys.filter(([accountId, path]) => rankOf.has(folderId(accountId, path)))
  if (ours.length === 0) return list
  const rows = (await db.messages.bulkGet(ours)).map((row) => (row && member(row) ? row : undefined))

  // per folder: each changed UID's date now, or null where the message has left the folder
  const now = new Map<string, Map<number, number | null>>()
  ours.forEach(([accountId, path, uid], i) => {
    const folder = folderId(accountId, path)
    const dates = now.get(folder) ?? new Map<number, number | null>()
    dates.set(uid, rows[i]?.internalDate ?? null)
    now.set(folder, dates)
  })
  // the list's own folder tuples (one per folder, shared by its entries) to their rank and changes
  const perFolder = new Map<readonly [AccountId, string], { rank: number; changed: Map<number, number | null> | undefined }>()
  const folderOf = (index: number) => {
    const tuple = list.folderAt(index)
    let found = perFolder.get(tuple)
    if (!found) {
      const id = folderId(tuple[0], tuple[1])
      found = { rank: rankOf.get(id) ?? folders.length, changed: now.get(id) }
      perFolder.set(tuple, found)
    }
    return found
  }

  // unchanged when each changed message is listed at its date now, or is neither listed nor in a folder
  let moved = 0
  let listedChanged = 0
  for (let i = 0; i < list.length; i++) {
    const date = folderOf(i).changed?.get(list.uidAt(i))
    if (date === undefined) continue
    listedChanged++
    if (date !== list.dateAt(i)) moved++
  }
  const present = ours.filter((_, i) => rows[i] !== undefined).length
  if (moved === 0 && listedChanged === present) return list

  const added: Entry[] = []
  ours.forEach(([accountId, path, uid], i) => {
    const row = rows[i]
    if (row) added.push({ accountId, path, uid, date: row.internalDate, rank: rankOf.get(folderId(accountId, path))! })
  })
  added.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
  const patched = new PackedKeysBuilder()
  let next = 0
  const pushAdded = () => {
    const entry = added[next++]!
    patched.push(entry.accountId, entry.path, entry.uid, entry.date)
  }
  for (let i = 0; i < list.length; i++) {
    const folder = folderOf(i)
    const uid = list.uidAt(i)
    if (folder.changed?.has(uid)) continue
    const date = list.dateAt(i)
    // the added messages that come before this one (`before`, without an entry made for each listed message)
    while (next < added.length) {
      const a = added[next]!
      if (!(a.date > date || (a.date === date && (a.rank < folder.rank || (a.rank === folder.rank && a.uid > uid))))) break
      pushAdded()
    }
    const [accountId, path] = list.folderAt(i)
    patched.push(accountId, path, uid, date)
  }
  while (next < added.length) pushAdded()
  return patched.build()
}
