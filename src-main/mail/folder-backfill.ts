import type { ImapFlow } from 'imapflow'
import type { FolderCursor, FolderDelta } from '../common/domain/mail'
import type { OpenFolder } from './folder-open'
import { initialSync } from './folder-sync'
import { fetchHeaders } from './header-fetch'
import { searchUids } from './uid-search'
import { compactSequenceSet } from './uid-set'

/**
 * Older headers: the newest `limit` UIDs below `cursor.oldestUid`, back to `since` (internal date,
 * RFC 3501 §6.4.4 SINCE, which compares whole days) when given. One UID SEARCH, one FETCH.
 * The rest of the cursor stays: backfill says nothing about flag changes or new mail.
 */
export async function backfillFolder(client: ImapFlow, folder: OpenFolder, cursor: FolderCursor, limit: number, since: number | null): Promise<FolderDelta> {
  if (cursor.uidValidity !== folder.uidValidity) return initialSync(client, folder, limit)
  const below = cursor.oldestUid > 1 && folder.exists > 0 ? await searchUids(client, { uid: `1:${cursor.oldestUid - 1}`, ...(since === null ? {} : { since: new Date(since) }) }) : []
  // a server answering outside the range must not move oldestUid up
  const older = below.filter((uid) => uid < cursor.oldestUid).sort((a, b) => b - a)
  const batch = older.slice(0, limit)
  const added = await fetchHeaders(client, compactSequenceSet(batch), { byUid: true })
  return {
    reset: false,
    added,
    changed: [],
    vanished: [],
    existingUids: null,
    cursor: { ...cursor, oldestUid: batch.at(-1) ?? cursor.oldestUid, backfillDone: older.length <= limit },
    more: false,
  }
}
