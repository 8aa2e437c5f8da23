import type { FetchMessageObject, ImapFlow } from 'imapflow'
import type { FlagChange, FolderCursor, FolderDelta } from '../common/domain/mail'
import type { OpenFolder, QresyncParameters } from './folder-open'
import { fetchHeaders } from './header-fetch'
import { watchMailboxChanges } from './mailbox-changes'
import { storedFlags } from './message-header'
import { searchUids } from './uid-search'
import { compactSequenceSet } from './uid-set'

/** What SELECT … (QRESYNC (uidvalidity modseq)) needs from a cursor (RFC 7162 §3.2.5), if it has it. */
export function qresyncParametersOf(cursor: FolderCursor | null): QresyncParameters | null {
  return cursor?.highestModseq ? { uidValidity: cursor.uidValidity, modseq: cursor.highestModseq } : null
}

/** Mod-sequences work for this folder: CONDSTORE is enabled and SELECT gave a HIGHESTMODSEQ (no NOMODSEQ). */
function usesModseq(client: ImapFlow, folder: OpenFolder): boolean {
  return client.enabled.has('CONDSTORE') && folder.highestModseq !== null
}

/**
 * A folder seen for the first time (or whose UIDVALIDITY changed, RFC 3501 §2.3.1.1): the newest
 * `limit` messages by sequence number, in one FETCH. Sequence numbers hold still during it: a server
 * may not send EXPUNGE during FETCH (RFC 3501 §7.4.1). Older ones come through backfill.
 */
export async function initialSync(client: ImapFlow, folder: OpenFolder, limit: number): Promise<FolderDelta> {
  const exists = folder.exists
  const added = exists > 0 ? await fetchHeaders(client, `${Math.max(1, exists - limit + 1)}:${exists}`, { byUid: false }) : []
  const uidNext = Math.max(folder.uidNext ?? 1, (added[0]?.uid ?? 0) + 1)
  return {
    reset: true,
    added,
    changed: [],
    vanished: [],
    existingUids: null,
    cursor: {
      uidValidity: folder.uidValidity,
      uidNext,
      highestModseq: usesModseq(client, folder) ? String(folder.highestModseq) : null,
      oldestUid: added.at(-1)?.uid ?? uidNext,
      backfillDone: exists <= limit,
    },
    more: false,
  }
}

/**
 * Everything that changed in a folder since `cursor` (same UIDVALIDITY): flag changes and
 * expunges of cached messages, then new messages newest first, at most `limit` per call.
 */
export async function syncFolder(client: ImapFlow, folder: OpenFolder, cursor: FolderCursor, limit: number): Promise<FolderDelta> {
  const scan = await scanCachedRange(client, folder, cursor)
  const gap = cursor.unfetched
  const isNew = (uid: number) => uid >= cursor.uidNext || (!!gap && uid >= gap.from && uid <= gap.to)

  let candidates: number[]
  if (scan.existingUids) {
    candidates = scan.existingUids.filter(isNew)
  } else if (folder.exists === 0 || (folder.uidNext !== null && folder.uidNext <= cursor.uidNext && !gap)) {
    // SELECT's UIDNEXT says nothing arrived
    candidates = []
  } else {
    // RFC 3501 §6.4.8: "n:*" also matches the highest UID when that is below n, hence the filter
    candidates = (await searchUids(client, { uid: `${gap ? Math.min(gap.from, cursor.uidNext) : cursor.uidNext}:*` })).filter(isNew)
  }
  candidates.sort((a, b) => b - a)
  const batch = candidates.slice(0, limit)
  const rest = candidates.slice(limit)
  const added = await fetchHeaders(client, compactSequenceSet(batch), { byUid: true })
  const addedUids = new Set(added.map((header) => header.uid))

  // every change up to the largest of these was reported above (see scanCachedRange)
  const highestModseq = usesModseq(client, folder)
    ? [folder.highestModseq, scan.modseq, cursor.highestModseq === null ? null : BigInt(cursor.highestModseq)].reduce<bigint>((max, m) => (m !== null && m > max ? m : max), 0n)
    : null

  return {
    reset: false,
    added,
    // new messages carry their flags in `added`, or will when their batch comes
    changed: [...scan.changed.values()].filter((change) => !isNew(change.uid)).sort((a, b) => a.uid - b.uid),
    vanished: [...scan.vanished].filter((uid) => !addedUids.has(uid)).sort((a, b) => a - b),
    existingUids: scan.existingUids,
    cursor: {
      uidValidity: cursor.uidValidity,
      uidNext: Math.max(cursor.uidNext, (candidates[0] ?? 0) + 1, folder.uidNext ?? 0),
      highestModseq: highestModseq === null ? null : highestModseq.toString(),
      oldestUid: cursor.oldestUid,
      backfillDone: cursor.backfillDone,
      ...(rest.length > 0 ? { unfetched: { from: rest.at(-1) as number, to: rest[0] as number } } : {}),
    },
    more: rest.length > 0,
  }
}

interface CachedRangeScan {
  changed: Map<number, FlagChange>
  vanished: Set<number>
  /** every UID in the folder, when the server could not say which ones vanished */
  existingUids: number[] | null
  /**
   * the largest MODSEQ in the CHANGEDSINCE answer: it lists every message changed or added since the
   * cursor (RFC 7162 §3.1.4.1), so nothing at or below it is left unreported. imapflow's own
   * HIGHESTMODSEQ of an open folder lags behind (EXISTS carries none).
   */
  modseq: bigint | null
}

/**
 * Flag changes and expunges, by the best means the server offers:
 * - QRESYNC (RFC 7162 §3.2.5): SELECT already reported them; on a folder that was open already,
 *   UID FETCH 1:* (FLAGS) (CHANGEDSINCE m VANISHED) (§3.2.6) does the same without a new SELECT.
 * - CONDSTORE alone (§3.1.4): UID FETCH … (CHANGEDSINCE m) for flags, and the list of UIDs for expunges.
 * - neither: every UID with its flags.
 */
async function scanCachedRange(client: ImapFlow, folder: OpenFolder, cursor: FolderCursor): Promise<CachedRangeScan> {
  const changed = new Map(folder.reported.flags)
  const vanished = new Set(folder.reported.vanished)
  if (folder.exists === 0) return { changed, vanished, existingUids: [], modseq: null }

  if (usesModseq(client, folder) && cursor.highestModseq !== null) {
    if (folder.qresyncAccepted) return { changed, vanished, existingUids: null, modseq: null }
    const watch = watchMailboxChanges(client, folder.path)
    let modseq: bigint | null = null
    try {
      // imapflow adds the VANISHED modifier when QRESYNC is enabled; the expunged UIDs then arrive as VANISHED (EARLIER)
      const rows = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: BigInt(cursor.highestModseq) })
      for (const row of rows) {
        changed.set(row.uid, flagChangeOf(row))
        if (row.modseq !== undefined && (modseq === null || row.modseq > modseq)) modseq = row.modseq
      }
    } finally {
      watch.stop()
    }
    for (const uid of watch.vanished) vanished.add(uid)
    for (const [uid, change] of watch.flags) if (!changed.has(uid)) changed.set(uid, change)
    if (client.enabled.has('QRESYNC')) return { changed, vanished, existingUids: null, modseq }
    return { changed, vanished, existingUids: await searchUids(client, { all: true }), modseq }
  }

  const rows = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true })
  for (const row of rows) changed.set(row.uid, flagChangeOf(row))
  return { changed, vanished, existingUids: rows.map((row) => row.uid).sort((a, b) => a - b), modseq: null }
}

function flagChangeOf(row: FetchMessageObject): FlagChange {
  return { uid: row.uid, flags: storedFlags(row.flags), modseq: row.modseq?.toString() ?? null }
}
