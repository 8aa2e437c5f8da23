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

/** What a watched read found, and the ranges whose change makes it stale. */
export interface Watched<T> {
  value: T
  watch: readonly WatchedRange[]
}

export interface Subscribable<T> {
  subscribe(observer: { next: (value: T) => void; error: (error: unknown) => void }): { unsubscribe(): void }
}

/**
 * A read the UI follows, run again when a committed write (in this page or another) touches one of
 * the ranges it says it depends on. Dexie's `liveQuery` does the same but notes every key a read
 * returns: a walk of a 100k-message folder's date index leaves it a tree of 100k nodes holding a
 * fresh copy of each primary key (about 10 MB live, and as much garbage again on each re-read). A
 * read that knows its ranges (a folder's keys) is watched by those ranges instead.
 *
 * Every completed read is delivered, and a write noticed during a read runs it again after it: a
 * folder that keeps changing (a sync) still shows each state it reached, never an endless wait.
 */
export function watchedRead<T>(db: Dexie, read: () => Promise<Watched<T>>): Subscribable<T> {
  return {
    subscribe(observer) {
      let closed = false
      let running = false
      let stale = false
      let watched = new Map<string, RangeSet>()

      const run = () => {
        running = true
        stale = false
        // outside any transaction or live query of the caller's zone: this read is watched by its ranges only
        Dexie.ignoreTransaction(read).then(
          ({ value, watch }) => {
            running = false
            if (closed) return
            watched = partsOf(db.name, watch)
            observer.next(value)
            if (stale) run()
          },
          (error: unknown) => {
            running = false
            if (closed) return
            observer.error(error)
            if (stale) run()
          },
        )
      }

      const onChange = (parts: ObservabilitySet) => {
        if (closed || !touches(parts, watched, running)) return
        if (running) stale = true
        else run()
      }

      Dexie.on('storagemutated', onChange)
      run()
      return {
        unsubscribe() {
          closed = true
          Dexie.on.storagemutated.unsubscribe(onChange)
        },
      }
    },
  }
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
