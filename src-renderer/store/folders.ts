import { Dexie } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { Folder, SpecialUse } from '../../src-main/common/domain/mail'
import { accountRange, folderRange, type FolderRow, type QuireDatabase } from './database'

const DAY_MS = 86_400_000

/** The order special-use folders sync in after INBOX: what the user is likeliest to open first, the huge "All Mail" last. */
const ROLE_ORDER: readonly SpecialUse[] = ['inbox', 'sent', 'drafts', 'archive', 'junk', 'trash', 'flagged', 'all']

/** RFC 3501 §5.1: INBOX is case-insensitive and always the inbox, whatever SPECIAL-USE says. */
export function roleOf(folder: Pick<Folder, 'path' | 'specialUse'>): SpecialUse | null {
  return folder.path.toUpperCase() === 'INBOX' ? 'inbox' : folder.specialUse
}

/** INBOX first, then the other special-use folders, then the rest by path. */
export function inSyncOrder<T extends Pick<Folder, 'path' | 'specialUse'>>(folders: readonly T[]): T[] {
  const rank = (folder: T) => {
    const role = roleOf(folder)
    return role === null ? ROLE_ORDER.length : ROLE_ORDER.indexOf(role)
  }
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path))
}

/** The folder that plays `role` in the account (RFC 6154), if the server names one. */
export async function folderWithRole(db: QuireDatabase, accountId: AccountId, role: SpecialUse): Promise<FolderRow | undefined> {
  const folders = await db.folders.where('[accountId+path]').between(...accountRange(accountId)).toArray()
  return inSyncOrder(folders.filter((folder) => roleOf(folder) === role))[0]
}

/** Forgets a folder's cached messages, bodies and cursor. Call inside a transaction that includes those tables. */
export async function dropFolderCache(db: QuireDatabase, accountId: AccountId, path: string): Promise<void> {
  const [lo, hi] = folderRange(accountId, path)
  await db.messages.where('[accountId+path+uid]').between(lo, hi).delete()
  await db.bodies.where('[accountId+path+uid]').between(lo, hi).delete()
  await db.cursors.delete([accountId, path])
}

/**
 * Makes the cached folder list of an account the one main reported, keeping the user's sync
 * settings of folders that stay. New selectable folders are synced, all of their mail. Folders gone
 * from the server leave with their messages and their pending tasks (which could only fail).
 * Returns the account's folders as now stored.
 */
export async function mirrorFolders(db: QuireDatabase, accountId: AccountId, folders: readonly Folder[]): Promise<FolderRow[]> {
  const current = new Set(folders.map((folder) => folder.path))
  const storedPaths = async () => (await db.folders.where('[accountId+path]').between(...accountRange(accountId)).primaryKeys()).map((key) => key[1])
  // Only a folder's removal writes its mail (see mirrorAccounts): otherwise the folders table alone.
  const widest = [db.folders, db.messages, db.bodies, db.cursors, db.tasks]
  const tables = (await storedPaths()).some((path) => !current.has(path)) ? widest : [db.folders]
  const mirrored = await db.transaction('rw', tables, async () => {
    const stored = await db.folders.where('[accountId+path]').between(...accountRange(accountId)).toArray()
    // a folder stored since the look-up above, and already gone from the server: the wide transaction removes it
    if (tables !== widest && stored.some((row) => !current.has(row.path))) return null
    const before = new Map(stored.map((row) => [row.path, row]))
    const rows: FolderRow[] = folders.map((folder) => {
      const previous = before.get(folder.path)
      return {
        ...folder,
        accountId,
        syncEnabled: previous?.syncEnabled ?? folder.selectable,
        syncSinceDays: previous?.syncSinceDays ?? null,
      }
    })
    const removed = stored.filter((row) => !current.has(row.path)).map((row) => row.path)
    for (const path of removed) await dropFolderCache(db, accountId, path)
    await db.folders.bulkDelete(removed.map((path) => [accountId, path]))
    if (removed.length > 0) {
      await db.tasks
        .where('accountId')
        .equals(accountId)
        .filter((row) => removed.includes(row.task.path))
        .delete()
    }
    await db.folders.bulkPut(rows)
    return rows
  })
  return mirrored ?? mirrorFolders(db, accountId, folders)
}

/** The earliest internal date the folder's sync window asks for, or null for all mail. */
export function syncSince(folder: Pick<FolderRow, 'syncSinceDays'>, now: number): number | null {
  return folder.syncSinceDays === null ? null : now - folder.syncSinceDays * DAY_MS
}

/**
 * Changes what the user keeps offline of one folder. Turning sync off forgets the folder's cache
 * (the UI shows only the cache, and a copy that no longer follows the server would mislead).
 * Narrowing the window forgets the messages now outside it; any change of window lets backfill
 * run again, so a wider window fetches what it now includes.
 */
export async function changeFolderSync(
  db: QuireDatabase,
  accountId: AccountId,
  path: string,
  settings: Partial<Pick<FolderRow, 'syncEnabled' | 'syncSinceDays'>>,
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', [db.folders, db.messages, db.bodies, db.cursors], async () => {
    const folder = await db.folders.get([accountId, path])
    if (!folder) return
    const updated = { ...folder, ...settings }
    await db.folders.put(updated)
    if (!updated.syncEnabled) return dropFolderCache(db, accountId, path)
    if (updated.syncSinceDays === folder.syncSinceDays) return
    const cursor = await db.cursors.get([accountId, path])
    if (!cursor) return
    const since = syncSince(updated, now)
    if (since !== null) {
      const outside = await db.messages
        .where('[accountId+path+internalDate]')
        .between([accountId, path, Dexie.minKey], [accountId, path, since], true, false)
        .primaryKeys()
      await db.messages.bulkDelete(outside)
      await db.bodies.bulkDelete(outside)
    }
    const [lo, hi] = folderRange(accountId, path)
    const oldest = await db.messages.where('[accountId+path+uid]').between(lo, hi).first()
    await db.cursors.put({ ...cursor, oldestUid: oldest?.uid ?? cursor.uidNext, backfillDone: false })
  })
}
