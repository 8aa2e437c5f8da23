import { Dexie, RangeSet, rangesOverlap, type IndexableType, type ObservabilitySet } from 'dexie'

/**
 * A key range of one of a table's indexes that a read depends on. `index` names the index as the
 * schema does (`[accountId+path+internalDate]`), '' is the primary key, and ':dels' is where Dexie
 * notes rows written or deleted without knowing their old index values.
 */
export interface WatchedRange {
  table: string
  index: string
  lower: IndexableType
  upper: IndexableType
}

/** A write changed nothing a read shows (see `Watched.update`). */
export const UNCHANGED: unique symbol = Symbol('unchanged')

/** What a watched read found, and the ranges whose change makes it stale. */
export interface Watched<T> {
  value: T
  watch: readonly WatchedRange[]
  /**
   * Brings the result up to date with a committed write that touched `watch`, cheaper than reading
   * again: the new result, `UNCHANGED`, or null (at once) when the write is not one it can follow,
   * and the read runs again.
   */
  update?: ((changed: ObservabilitySet) => Promise<Watched<T> | typeof UNCHANGED> | null) | undefined
}

export interface Subscribable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void }
}

/**
 * A read the UI follows, run again when a committed write (in this page or another) touches one of
 * the ranges it says it depends on, or brought up to date by the result's `update` where it can
 * follow the write. Dexie's `liveQuery` does the same but notes every key a read returns: a walk of
 * a 100k-message folder's date index leaves it a tree of 100k nodes holding a fresh copy of each
 * primary key (about 10 MB live, and as much garbage again on each re-read). A read that knows its
 * ranges (a folder's keys) is watched by those ranges instead.
 *
 * Every completed read or update is delivered, and writes noticed meanwhile are followed after it,
 * in order: a folder that keeps changing (a sync) still shows each state it reached, never an
 * endless wait.
 */
export function watchedRead<T>(db: Dexie, read: () => Promise<Watched<T>>): Subscribable<T> {
  return {
    subscribe(observer) {
      let closed = false
      let busy = false
      let current: Watched<T> | null = null
      let watched = new Map<string, RangeSet>()
      /** writes noticed while a read or an update ran */
      let queued: ObservabilitySet[] = []

      const deliver = (result: Watched<T>) => {
        current = result
        watched = partsOf(db.name, result.watch)
        observer.next(result.value)
      }

      // the writes noticed meanwhile, now that the ranges they are compared with are known
      const settle = () => {
        busy = false
        if (closed) return
        const changes = queued.filter((parts) => touches(parts, watched, false))
        queued = []
        if (changes.length > 0) follow(changes)
      }

      const readAgain = () => {
        busy = true
        // a read begun now sees every write noticed before it
        queued = []
        // outside any transaction or live query of the caller's zone: this read is watched by its ranges only
        Dexie.ignoreTransaction(read).then(
          (result) => {
            if (closed) return
            deliver(result)
            settle()
          },
          (error: unknown) => {
            if (closed) return
            observer.error(error)
            settle()
          },
        )
      }

      const follow = (changes: ObservabilitySet[]) => {
        const from = current
        if (!from?.update) return readAgain()
        busy = true
        // like the read: outside whatever transaction zone the notice came in
        Dexie.ignoreTransaction(() => updated(from, changes)).then(
          (result) => {
            if (closed) return
            if (result === null) return readAgain()
            if (result !== UNCHANGED) deliver(result)
            settle()
          },
          // an update that failed is no reason to show a stale list: read it whole
          () => {
            if (!closed) readAgain()
          },
        )
      }

      const onChange = (parts: ObservabilitySet) => {
        if (closed || !touches(parts, watched, busy)) return
        if (busy) queued.push(parts)
        else follow([parts])
      }

      Dexie.on('storagemutated', onChange)
      readAgain()
      return {
        unsubscribe() {
          closed = true
          Dexie.on.storagemutated.unsubscribe(onChange)
        },
      }
    },
  }
}

/** `result` brought up to date with each write in turn: the last result, UNCHANGED, or null where one of them cannot be followed. */
async function updated<T>(result: Watched<T>, changes: readonly ObservabilitySet[]): Promise<Watched<T> | typeof UNCHANGED | null> {
  let latest: Watched<T> | typeof UNCHANGED = UNCHANGED
  for (const parts of changes) {
    const from: Watched<T> = latest === UNCHANGED ? result : latest
    const pending: Promise<Watched<T> | typeof UNCHANGED> | null = from.update?.(parts) ?? null
    if (pending === null) return null
    const next: Watched<T> | typeof UNCHANGED = await pending
    if (next !== UNCHANGED) latest = next
  }
  return latest
}

/** The ranges as Dexie names its observability parts (`idb://database/table/index`). */
function partsOf(database: string, watch: readonly WatchedRange[]): Map<string, RangeSet> {
  const parts = new Map<string, RangeSet>()
  for (const range of watch) {
    const name = `idb://${database}/${range.table}/${range.index}`
    const set = parts.get(name) ?? new RangeSet()
    parts.set(name, set.add(new RangeSet(range.lower, range.upper)))
  }
  return parts
}

/**
 * Whether a write touched a watched range (`parts`: Dexie's notice of committed writes, per index the
 * keys written; `all` after the whole database changed). While the first read runs, the ranges are not known yet,
 * so any write counts: the read may have missed it.
 */
function touches(parts: ObservabilitySet, watched: ReadonlyMap<string, RangeSet>, running: boolean): boolean {
  if ((parts as { all?: boolean }).all) return true
  if (running && watched.size === 0) return true
  for (const [name, set] of watched) {
    const changed = parts[name]
    if (changed && rangesOverlap(changed, set)) return true
  }
  return false
}
