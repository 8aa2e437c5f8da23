import { Dexie } from 'dexie'

/** V8's collection, as `--expose-gc` puts it on the page's global object. */
export type ExposedGc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void

/**
 * Gives back the page's garbage once a burst of writes into IndexedDB (a sync, its full-text
 * indexing) has paused, as main does after a sync (src-main/mail/idle-collection.ts). Chromium's
 * V8 shrinks a heap grown by such a burst only over about a minute: measured 10 s after a 100k
 * sync and its indexing, the renderer was 359 MB resident with 26 MB of its JS heap live, and
 * 219 MB three seconds after one collection (139 ms). The page can collect only where its host exposes
 * V8's `gc` (`--js-flags=--expose-gc`); a browser without it (web mode) keeps V8's own pace.
 */
const BURST_QUIET_MS = 1000

export class PageIdleCollection {
  private writes = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  /**
   * @param collect the collection to run
   * @param quietMs how long nothing must have been written before collecting
   * @param minWrites how many write transactions make a burst worth a collection (one flag change does not)
   */
  constructor(
    private readonly collect: () => void,
    private readonly quietMs = 5000,
    private readonly minWrites = 10,
  ) {}

  /** Notes one committed write transaction; collects once writing has paused for `quietMs`. */
  noteWrite(): void {
    this.writes++
    if (this.writes >= this.minWrites) this.collectAfter(this.quietMs)
  }

  /**
   * Notes work that left a lot of garbage without writing and is known to be over (the app's start
   * on a large mailbox: its list read, the word index loaded into memory): collects a second later,
   * unless writes begin meanwhile (then once they pause).
   */
  noteBurst(): void {
    this.writes = Math.max(this.writes, this.minWrites)
    this.collectAfter(BURST_QUIET_MS)
  }

  private collectAfter(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.writes = 0
      this.collect()
    }, ms)
  }

  close(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}

let running: PageIdleCollection | undefined

/** Tells the page's collection (where the host allows one) that a burst of work just ended. */
export function notePageBurst(): void {
  running?.noteBurst()
}

/**
 * Collects after bursts of IndexedDB writes in this page, when the host exposes `gc`; returns what
 * stops it. The collection is V8's "last resort" one, which compacts and releases the freed pages
 * (a regular full collection measured 309 MB resident instead of 220 MB: it frees the objects but
 * keeps the heap's pages), and waits for an idle moment: it blocks the page for tens of milliseconds.
 */
export function startPageIdleCollection(options: { gc?: ExposedGc | undefined; quietMs?: number } = {}): () => void {
  const gc = 'gc' in options ? options.gc : (globalThis as { gc?: ExposedGc }).gc
  if (typeof gc !== 'function') return () => {}
  const idle = new PageIdleCollection(() => requestIdleCallback(() => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }), { timeout: 2000 }), options.quietMs)
  const onWrite = () => idle.noteWrite()
  Dexie.on('storagemutated', onWrite)
  running = idle
  return () => {
    Dexie.on.storagemutated.unsubscribe(onWrite)
    idle.close()
    if (running === idle) running = undefined
  }
}
