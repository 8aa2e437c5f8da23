import type { AccountId } from '../../src-main/common/domain/account'
import type { FolderDelta, MessageHeader } from '../../src-main/common/domain/mail'
import { folderRange, type MessageKey, type MessageRow, type QuireDatabase } from './database'
import { flagFields } from './message-flags'
import { keepPendingChanges } from './optimistic-change'
import { assignThreads, threadFields } from './threading'

/** A batch computed against a cursor of another UIDVALIDITY than the one now stored: its UIDs name other messages. */
export class StaleDeltaError extends Error {
  constructor(accountId: AccountId, path: string) {
    super(`The changes to ${path} (${accountId}) were computed for an older state of the folder and were not applied.`)
    this.name = 'StaleDeltaError'
  }
}

/** A header as the cache stores it, with the fields the list, counts and threads are indexed by. */
export function messageRow(accountId: AccountId, path: string, header: MessageHeader): MessageRow {
  return { ...header, ...threadFields(header), ...flagFields(header.flags), accountId, path, threadId: '' }
}

/**
 * Writes one batch of a folder's changes together with the cursor that covers them, in one
 * transaction (DESIGN.md flow 1): if anything fails nothing is written, so the stored cursor never
 * runs ahead of the stored messages, and the next sync repeats just this batch.
 *
 * Returns false, writing nothing, when the folder has left the cache (removed on the server, or the
 * user stopped syncing it) while the batch was on its way, or its cache was dropped meanwhile.
 */
export async function applyDelta(db: QuireDatabase, accountId: AccountId, path: string, delta: FolderDelta): Promise<boolean> {
  const [lo, hi] = folderRange(accountId, path)
  const inFolder = (uids: Iterable<number>): MessageKey[] => Array.from(uids, (uid) => [accountId, path, uid])
  return db.transaction('rw', [db.folders, db.messages, db.messageIdFilters, db.bodies, db.cursors, db.tasks], async () => {
    const folder = await db.folders.get([accountId, path])
    if (!folder?.syncEnabled) return false
    const stored = await db.cursors.get([accountId, path])
    // Changes since a cursor presuppose that cursor's cache. Without a stored cursor the folder's
    // cache was dropped while the batch was on its way (its sync turned off and on again): writing
    // the batch's cursor would mark as cached the messages that were just removed, and the next
    // sync would never bring them back. The sync after the drop starts the folder afresh.
    if (!delta.reset && !stored) return false
    if (!delta.reset && stored && stored.uidValidity !== delta.cursor.uidValidity) throw new StaleDeltaError(accountId, path)

    // RFC 3501 §2.3.1.1: a new UIDVALIDITY voids every cached UID of the folder
    const gone = new Set(delta.vanished)
    if (delta.reset) {
      await db.messages.where('[accountId+path+uid]').between(lo, hi).delete()
      await db.bodies.where('[accountId+path+uid]').between(lo, hi).delete()
    } else if (delta.existingUids) {
      // without CONDSTORE/QRESYNC (RFC 7162) expunges show only as UIDs missing from the full list
      const existing = new Set(delta.existingUids)
      for (const [, , uid] of await db.messages.where('[accountId+path+uid]').between(lo, hi).primaryKeys()) {
        if (!existing.has(uid)) gone.add(uid)
      }
    }
    if (gone.size > 0) {
      await db.messages.bulkDelete(inFolder(gone))
      await db.bodies.bulkDelete(inFolder(gone))
    }

    const added = delta.added.map((header) => messageRow(accountId, path, header))
    await assignThreads(db, accountId, added)
    await db.messages.bulkPut(added)
    // flag changes for UIDs not cached (outside the sync window, or not yet backfilled) are ignored
    await db.messages.bulkUpdate(
      delta.changed.map((change) => ({
        key: [accountId, path, change.uid] as MessageKey,
        changes: { flags: change.flags, modseq: change.modseq, ...flagFields(change.flags) },
      })),
    )
    await db.cursors.put({ ...delta.cursor, accountId, path })

    const written = new Set([...added.map((row) => row.uid), ...delta.changed.map((change) => change.uid)])
    await keepPendingChanges(db, accountId, path, written, delta.reset ? 'all' : gone)
    return true
  })
}
