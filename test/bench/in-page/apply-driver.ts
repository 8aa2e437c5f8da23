// Bundled by test/bench/in-page.ts and evaluated in the app's page (same origin): the store's own
// write path (applyDelta, threading included) for synthetic batches shaped like the bench folder's
// headers, timed alone, without IMAP or the app's sync around it. Each call uses a fresh database.
import type { AccountId } from '../../../src-main/common/domain/account'
import type { FolderDelta, MessageHeader } from '../../../src-main/common/domain/mail'
import { applyDelta } from '../../../src-renderer/store/apply-delta'
import { QuireDatabase } from '../../../src-renderer/store/database'

/** A header like test/bench/seed-maildir.ts writes: threads of four, a third unread, one in fifty flagged. */
function header(i: number): MessageHeader {
  const thread = Math.floor(i / 4)
  const depth = i % 4
  const id = (n: number) => `<bench-${n}@bench.example>`
  const references = depth > 0 ? Array.from({ length: depth }, (_, d) => id(thread * 4 + d)) : []
  const flags = [...(i % 3 !== 0 ? ['\\Seen'] : []), ...(i % 50 === 0 ? ['\\Flagged'] : [])]
  return {
    uid: i + 1,
    modseq: String(i + 1),
    flags,
    internalDate: Date.UTC(2024, 0, 1) + i * 420_000,
    date: Date.UTC(2024, 0, 1) + i * 420_000,
    size: 1200,
    subject: `${depth > 0 ? 'Re: ' : ''}Quarterly report #${thread}`,
    from: [{ name: 'Ana Souza', address: 'ana@bench.example' }],
    to: [{ name: '', address: 'bob@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    messageId: id(i),
    inReplyTo: references.at(-1) ?? null,
    references,
    listUnsubscribe: i % 10 === 0 ? '<mailto:unsubscribe@bench.example>' : null,
    spam: false,
    hasAttachments: i % 20 === 0,
    snippet: 'the project team will review numbers before our meeting and share updated figures with everyone after lunch please confirm'.repeat(2),
  }
}

/** Writes `count` headers newest first in batches of `batch`, as a backfill does; returns each batch's ms. */
async function timeWrites(count: number, batch: number): Promise<{ batches: number[]; totalMs: number }> {
  const db = new QuireDatabase(`bench-apply-${Math.random().toString(36).slice(2)}`)
  await db.open()
  const accountId = 'acc' as AccountId
  const path = 'Bench'
  await db.folders.put({ accountId, path, name: path, delimiter: '/', specialUse: null, selectable: true, syncEnabled: true, syncSinceDays: null } as never)
  const batches: number[] = []
  const started = performance.now()
  try {
    for (let top = count; top > 0; top -= batch) {
      const low = Math.max(0, top - batch)
      const added = Array.from({ length: top - low }, (_, k) => header(top - 1 - k))
      const delta: FolderDelta = {
        reset: top === count,
        added,
        changed: [],
        vanished: [],
        existingUids: null,
        cursor: { uidValidity: '1', uidNext: count + 1, highestModseq: String(count), oldestUid: low + 1, backfillDone: low === 0 },
        more: false,
      }
      const t = performance.now()
      await applyDelta(db, accountId, path, delta)
      batches.push(performance.now() - t)
    }
    return { batches, totalMs: performance.now() - started }
  } finally {
    db.close()
    await db.delete()
  }
}

;(globalThis as unknown as { quireApplyBench: unknown }).quireApplyBench = { timeWrites }
