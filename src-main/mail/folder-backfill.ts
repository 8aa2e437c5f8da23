import type { ImapFlow } from 'imapflow'
import type { FolderCursor, FolderDelta } from '../common/domain/mail'
import type { OpenFolder } from './folder-open'
import { initialSync } from './folder-sync'
import { fetchHeaders } from './header-fetch'
import { searchUids } from './uid-search'
import { compactSequenceSet } from './uid-set'

/**
 * Older headers: the newest `limit` UIDs below `cursor.oldestUid`, back to `since` (internal date,
 * RFC 3501 §6.4.4 SINCE, which compares whole days) when given. A UID SEARCH or a few, one FETCH.
 * The rest of the cursor stays: backfill says nothing about flag changes or new mail.
 */
export async function backfillFolder(client: ImapFlow, folder: OpenFolder, cursor: FolderCursor, limit: number, since: number | null): Promise<FolderDelta> {
  if (cursor.uidValidity !== folder.uidValidity) return initialSync(client, folder, limit)
  const { older, exhausted } =
    cursor.oldestUid > 1 && folder.exists > 0 ? await uidsBelow(client, cursor.oldestUid, limit, since) : { older: [], exhausted: true }
  const batch = older.slice(0, limit)
  const added = await fetchHeaders(client, compactSequenceSet(batch), { byUid: true })
  return {
    reset: false,
    added,
    changed: [],
    vanished: [],
    existingUids: null,
    cursor: { ...cursor, oldestUid: batch.at(-1) ?? cursor.oldestUid, backfillDone: exhausted && older.length <= limit },
    more: false,
  }
}

/**
 * The UIDs below `below`, newest first: at least `limit` of them, or all there are. UIDs are
 * mostly dense, so a window a little wider than `limit` usually holds enough; it widens when
 * expunges or `since` thin it out. Searching `1:below-1` each time instead would make a large
 * folder's backfill cost grow with the square of its size.
 */
async function uidsBelow(client: ImapFlow, below: number, limit: number, since: number | null): Promise<{ older: number[]; exhausted: boolean }> {
  for (let span = limit * 2; ; span *= 4) {
    const low = Math.max(1, below - span)
    const found = await searchUids(client, { uid: `${low}:${below - 1}`, ...(since === null ? {} : { since: new Date(since) }) })
    // a server answering outside the range must not move oldestUid up
    const older = found.filter((uid) => uid < below && uid >= low).sort((a, b) => b - a)
    if (older.length >= limit || low === 1) return { older, exhausted: low === 1 }
  }
}
