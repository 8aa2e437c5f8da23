import { cmp, Dexie, type Collection, type IndexableType } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { SpecialUse } from '../../src-main/common/domain/mail'
import type { FolderRow, MessageKey, MessageRow, QuireDatabase } from '../store/database'
import { inSyncOrder, roleOf } from '../store/folders'
import { UNCHANGED, type Watched, type WatchedRange } from '../store/watched-read'
import { patchListed, writtenMessages, wroteTable } from './list-patch'
import { mergeNewestFirst, PackedKeysBuilder, type ListedKeys, type PackedKeys } from './listed-keys'
import type { Mailbox, UnifiedView } from './mailbox'

/** Folders whose messages are copies or leftovers: views across folders leave them out. */
const NOT_IN_SMART_VIEWS: ReadonlySet<SpecialUse> = new Set(['trash', 'junk', 'all', 'flagged'])

/**
 * A walk's index keys and primary keys side by side, read in one transaction so both are of the
 * same rows (IndexedDB has no request that returns both without the values).
 */
function indexAndPrimaryKeys(db: QuireDatabase, range: () => Collection<MessageRow, MessageKey>): Promise<[IndexableType[], MessageKey[]]> {
  return db.transaction('r', db.messages, () => Promise.all([range().keys(), range().primaryKeys()]))
}

/** Keys read per request when listing a whole folder. */
const LIST_CHUNK = 5000

/**
 * One folder newest first, by one walk of the date index (index keys and primary keys side by
 * side), in requests of `LIST_CHUNK`, each its own read transaction: IndexedDB answers other reads
 * between them (the first rows of a 100k folder are read while its whole list still is, and do not
 * wait for it), and a sync's write goes between them too instead of waiting for the whole walk
 * (seconds at 100k) and holding up every read begun after it. A write between two chunks can
 * leave the list briefly stale, never doubled (each chunk starts below the dates already listed);
 * the write makes `watchedRead` read the list again.
 */
async function folderDated(db: QuireDatabase, accountId: AccountId, path: string, chunk = LIST_CHUNK): Promise<PackedKeys> {
  const listed = new PackedKeysBuilder()
  let upper: unknown = Dexie.maxKey
  // the UIDs already listed at date `upper`: the next request starts at that date again
  let atUpper = new Set<number>()
  for (;;) {
    const limit = chunk + atUpper.size
    const range = () => db.messages.where('[accountId+path+internalDate]').between([accountId, path, Dexie.minKey], [accountId, path, upper], true, true).reverse().limit(limit)
    const [indexKeys, keys] = await indexAndPrimaryKeys(db, range)
    let last = upper
    keys.forEach((key, i) => {
      const date = (indexKeys[i] as unknown as [AccountId, string, number])[2]
      // packed on the folder's own strings: IndexedDB hands out a fresh copy of the account id
      // and path with every key, which 100k listed keys would otherwise hold
      if (date !== upper || !atUpper.has(key[2])) listed.push(accountId, path, key[2], date)
      last = date
    })
    if (keys.length < limit) return listed.build()
    atUpper = last === upper ? atUpper : new Set()
    for (let i = keys.length - 1; i >= 0 && (indexKeys[i] as unknown as [AccountId, string, number])[2] === last; i--) atUpper.add(keys[i]![2])
    upper = last
  }
}

function smartFolders(folders: readonly FolderRow[]): FolderRow[] {
  return folders.filter((folder) => folder.selectable && folder.syncEnabled && !NOT_IN_SMART_VIEWS.has(roleOf(folder) as SpecialUse))
}

/** Every key of a table (`watchedRead` ranges). */
const EVERY_KEY = { lower: Dexie.minKey, upper: Dexie.maxKey }

/** The folder list: a view across folders is read again when a folder is added, removed or changes role. */
const FOLDER_LIST: readonly WatchedRange[] = [
  { table: 'folders', index: '', ...EVERY_KEY },
  { table: 'folders', index: ':dels', ...EVERY_KEY },
]

/**
 * What a folder's list depends on: its messages' keys (a message written, moved or deleted, whether
 * or not Dexie knew its old values) and its date index (arrivals, dates), each as one range.
 */
function folderRanges(accountId: AccountId, path: string, index = '[accountId+path+internalDate]'): WatchedRange[] {
  const lower = [accountId, path, Dexie.minKey]
  const upper = [accountId, path, Dexie.maxKey]
  return [
    { table: 'messages', index: '', lower, upper },
    { table: 'messages', index: ':dels', lower, upper },
    { table: 'messages', index, lower, upper },
  ]
}

/**
 * The list of `folders` (merged in that order) and of the messages `member` admits, following a
 * write of a few messages by patching itself (`patchListed`) rather than walking every folder again.
 * A view across folders reads again when the folder list changes (`acrossFolders`), and any list
 * when a write names a range of messages (a sync batch, a folder dropped).
 */
function followed(
  db: QuireDatabase,
  list: PackedKeys,
  folders: readonly (readonly [AccountId, string])[],
  watch: readonly WatchedRange[],
  { acrossFolders, member }: { acrossFolders: boolean; member?: (row: MessageRow) => boolean },
): Watched<PackedKeys> {
  return {
    value: list,
    watch,
    update(changed) {
      if (acrossFolders && wroteTable(changed, db.name, 'folders')) return null
      const keys = writtenMessages(changed, db.name)
      if (!keys) return null
      return patchListed(db, list, folders, keys, member).then((next) => (next === list ? UNCHANGED : followed(db, next, folders, watch, { acrossFolders, member })))
    },
  }
}

/** The folder playing `role` in each account (its first in sync order): what a unified view shows, in that order. */
function roleFolders(folders: readonly FolderRow[], role: 'inbox' | 'drafts' | 'sent'): FolderRow[] {
  const byAccount = new Map<AccountId, FolderRow>()
  for (const folder of inSyncOrder(folders.filter((f) => roleOf(f) === role))) if (!byAccount.has(folder.accountId)) byAccount.set(folder.accountId, folder)
  return [...byAccount.values()]
}

async function unifiedRole(db: QuireDatabase, folders: readonly FolderRow[], role: 'inbox' | 'drafts' | 'sent'): Promise<Watched<PackedKeys>> {
  const shown = roleFolders(folders, role)
  return followed(
    db,
    mergeNewestFirst(await Promise.all(shown.map((folder) => folderDated(db, folder.accountId, folder.path)))),
    shown.map((folder) => [folder.accountId, folder.path] as const),
    [...FOLDER_LIST, ...shown.flatMap((folder) => folderRanges(folder.accountId, folder.path))],
    { acrossFolders: true },
  )
}

async function unread(db: QuireDatabase, folders: readonly FolderRow[]): Promise<Watched<PackedKeys>> {
  const shown = smartFolders(folders)
  const lists = await Promise.all(
    shown.map(async (folder) => {
      const rows = await db.messages.where('[accountId+path+unread]').equals([folder.accountId, folder.path, 1]).toArray()
      const list = new PackedKeysBuilder()
      // newest first, the higher UID first at one date: the order of a folder's list, which `patchListed` keeps
      for (const row of rows.sort((a, b) => b.internalDate - a.internalDate || b.uid - a.uid)) list.push(row.accountId, row.path, row.uid, row.internalDate)
      return list.build()
    }),
  )
  return followed(
    db,
    mergeNewestFirst(lists),
    shown.map((folder) => [folder.accountId, folder.path] as const),
    [...FOLDER_LIST, ...shown.flatMap((folder) => folderRanges(folder.accountId, folder.path, '[accountId+path+unread]'))],
    { acrossFolders: true, member: (row) => row.unread === 1 },
  )
}

async function flagged(db: QuireDatabase, folders: readonly FolderRow[]): Promise<Watched<PackedKeys>> {
  // the flagged index walked backwards lists messages of one date by key, highest first: the folders in that order
  const shown = smartFolders(folders)
    .map((folder) => [folder.accountId, folder.path] as const)
    .sort((a, b) => cmp(b, a))
  const shownIds = new Set(shown.map(([accountId, path]) => JSON.stringify([accountId, path])))
  const range = () => db.messages.where('[flagged+internalDate]').between([1, Dexie.minKey], [1, Dexie.maxKey]).reverse()
  const [indexKeys, keys] = await indexAndPrimaryKeys(db, range)
  const list = new PackedKeysBuilder()
  keys.forEach((key, i) => shownIds.has(JSON.stringify([key[0], key[1]])) && list.push(key[0], key[1], key[2], (indexKeys[i] as unknown as [number, number])[1]))
  return followed(
    db,
    list.build(),
    shown,
    [
      ...FOLDER_LIST,
      { table: 'messages', index: '[flagged+internalDate]', lower: [1, Dexie.minKey], upper: [1, Dexie.maxKey] },
      { table: 'messages', index: ':dels', ...EVERY_KEY },
    ],
    { acrossFolders: true, member: (row) => row.flagged === 1 },
  )
}

async function unifiedView(db: QuireDatabase, view: UnifiedView): Promise<Watched<PackedKeys>> {
  const folders = await db.folders.toArray()
  switch (view) {
    case 'inbox':
    case 'drafts':
    case 'sent':
      return unifiedRole(db, folders, view)
    case 'unread':
      return unread(db, folders)
    case 'flagged':
      return flagged(db, folders)
  }
}

/**
 * Every message a mailbox shows, newest first, as keys, with the store ranges the list depends on:
 * the list renders rows from the keys only for what is on screen, so a folder of 100k messages costs
 * one index walk, never 100k rows. Follow it with `watchedRead`, which patches it or runs it again
 * when a write touches those ranges (Dexie's `liveQuery` would note each of the 100k keys). Search results come
 * from the search index instead. `chunk`: keys per read request of a folder (tests use small ones).
 */
export async function mailboxRead(db: QuireDatabase, mailbox: Exclude<Mailbox, { kind: 'search' }>, options: { chunk?: number } = {}): Promise<Watched<PackedKeys>> {
  if (mailbox.kind === 'unified') return unifiedView(db, mailbox.view)
  const list = await folderDated(db, mailbox.accountId, mailbox.path, options.chunk)
  return followed(db, list, [[mailbox.accountId, mailbox.path]], folderRanges(mailbox.accountId, mailbox.path), { acrossFolders: false })
}

/** Every message a mailbox shows, newest first, as keys (`mailboxRead` without its ranges). */
export async function mailboxKeys(db: QuireDatabase, mailbox: Exclude<Mailbox, { kind: 'search' }>, options: { chunk?: number } = {}): Promise<PackedKeys> {
  return (await mailboxRead(db, mailbox, options)).value
}

/** The newest `limit` keys of one folder: two short walks from the top of its date index. */
async function folderNewest(db: QuireDatabase, accountId: AccountId, path: string, limit: number): Promise<PackedKeys> {
  const range = () => db.messages.where('[accountId+path+internalDate]').between([accountId, path, Dexie.minKey], [accountId, path, Dexie.maxKey]).reverse().limit(limit)
  const [indexKeys, keys] = await indexAndPrimaryKeys(db, range)
  const list = new PackedKeysBuilder()
  keys.forEach((key, i) => list.push(accountId, path, key[2], (indexKeys[i] as unknown as [AccountId, string, number])[2]))
  return list.build()
}

/**
 * The first screenful of a mailbox, read without walking all of it: shown while `mailboxKeys`
 * reads the whole list (a folder of 100k messages takes about a second to list, its first rows
 * should not wait for that). Null where no date index gives the newest first cheaply (Unread).
 */
export function mailboxFirstKeys(db: QuireDatabase, mailbox: Exclude<Mailbox, { kind: 'search' }>, limit: number): Promise<ListedKeys> | null {
  if (mailbox.kind === 'folder') return db.transaction('r', [db.messages], () => folderNewest(db, mailbox.accountId, mailbox.path, limit))
  if (mailbox.view !== 'inbox' && mailbox.view !== 'drafts' && mailbox.view !== 'sent') return null
  const role = mailbox.view
  return db.transaction('r', [db.messages, db.folders], async () => {
    const folders = await db.folders.toArray()
    const lists = await Promise.all(roleFolders(folders, role).map((folder) => folderNewest(db, folder.accountId, folder.path, limit)))
    return mergeNewestFirst(lists).slice(0, limit)
  })
}
