import { Dexie, type DBCore, type DBCoreMutateRequest, type Table } from 'dexie'
import type { Bit, BodyRow, MessageKey, MessageRow, QuireDatabase } from '../store/database'
import { htmlText, wordSet } from './tokenize'
import { WordPostings } from './word-postings'

/** One message's words, keyed like the message it indexes. */
export interface IndexEntry {
  accountId: MessageRow['accountId']
  path: string
  uid: number
  words: string[]
  /** 1 once the cached body's words are in */
  body: Bit
  /** the message's INTERNALDATE, what results sort by (entries written before it was kept lack it) */
  date?: number
}

/**
 * The local full-text index, in a database of its own beside the store's (the store's schema
 * stays the store's): one entry per cached message, with a multi-entry index on its words so a
 * word prefix is one index range.
 */
class SearchDatabase extends Dexie {
  declare readonly entries: Table<IndexEntry, MessageKey>

  constructor(name: string) {
    // derived from the store, rebuilt by catchUp if a commit was lost: no need to wait on the disk
    super(name, { chromeTransactionDurability: 'relaxed' })
    this.version(1).stores({ entries: '[accountId+path+uid], *words, body' })
  }
}

const BATCH = 1000
const FLUSH_DELAY_MS = 120
/**
 * A write of this many messages at once is a folder being backfilled: indexing waits until such
 * writes have paused for `BULK_QUIET_MS`, so it does not compete with the sync for IndexedDB (the
 * user sees the headers sooner; search catches up right after).
 */
const BULK_WRITE = 1000
const BULK_QUIET_MS = 1500

const keyOf = (row: { accountId: MessageRow['accountId']; path: string; uid: number }): MessageKey => [row.accountId, row.path, row.uid]
const idOf = (key: MessageKey) => JSON.stringify(key)

/**
 * The index word of an encrypted message whose body is not cached (the user keeps decrypted mail
 * out of the cache, or no key opens it): its body was not searched. No typed word starts with it.
 */
export const UNSEARCHED_ENCRYPTED = '\u0001encrypted'

/** The words a message is found by: its headers, snippet and, once cached, its body. */
export function entryFor(message: MessageRow, body: BodyRow | undefined): IndexEntry {
  const people = [...message.from, ...message.to, ...message.cc].flatMap((address) => [address.name, address.address])
  const bodyText = body ? (body.text ?? (body.html ? htmlText(body.html) : '')) : ''
  const attachments = body ? body.attachments.map((attachment) => attachment.filename) : []
  return {
    accountId: message.accountId,
    path: message.path,
    uid: message.uid,
    words: [...wordSet([message.subject, ...people, message.snippet, ...attachments, bodyText]), ...(message.encrypted && !body ? [UNSEARCHED_ENCRYPTED] : [])],
    body: body ? 1 : 0,
    date: message.internalDate,
  }
}

const LOAD_PAGE = 2000
const PRELOAD_DELAY_MS = 3000

/**
 * Keeps the index in step with the store: a Dexie middleware on the store's database notes which
 * messages and bodies every write touched (sync deltas, user actions, bodies fetched), and shortly
 * after, in batches, those entries are rebuilt from what the store then holds — so the index
 * follows whatever actually committed. At start it catches up with what changed while it was not
 * watching.
 *
 * Searches are answered from `memory`, the same entries held in memory (`WordPostings`), loaded
 * from IndexedDB once (`ready`) and updated with every batch written to IndexedDB.
 */
export class SearchIndex {
  readonly db: SearchDatabase
  readonly memory = new WordPostings()
  private loaded: Promise<void> | undefined
  private store: QuireDatabase | undefined
  private readonly dirty = new Set<string>()
  private readonly droppedRanges: [unknown, unknown][] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  /** indexing waits until then (ms since the epoch): bulk writes are going on */
  private bulkUntil = 0
  private running: Promise<void> = Promise.resolve()
  private readonly flushed = new Set<() => void>()

  constructor(name = 'quire-search') {
    this.db = new SearchDatabase(name)
  }

  /** Installs the middleware; call before the store's database opens. */
  attach(store: QuireDatabase): void {
    this.store = store
    store.use({
      stack: 'dbcore',
      name: 'quire-search-index',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (name) => {
          const table = down.table(name)
          if (name !== 'messages' && name !== 'bodies') return table
          return {
            ...table,
            mutate: async (request) => {
              const result = await table.mutate(request)
              this.note(request)
              return result
            },
          }
        },
      }),
    })
  }

  private note(request: DBCoreMutateRequest): void {
    switch (request.type) {
      case 'add':
      case 'put':
        for (const value of request.values as { accountId: MessageRow['accountId']; path: string; uid: number }[]) this.dirty.add(idOf(keyOf(value)))
        if (request.values.length >= BULK_WRITE) this.bulkUntil = Date.now() + BULK_QUIET_MS
        break
      case 'delete':
        for (const key of request.keys as MessageKey[]) this.dirty.add(idOf(key))
        break
      case 'deleteRange':
        // DBCoreRangeType.Any (3) is a whole-table clear
        this.droppedRanges.push(request.range.type === 3 ? [Dexie.minKey, Dexie.maxKey] : [request.range.lower, request.range.upper])
        break
    }
    this.schedule()
  }

  private schedule(delay = FLUSH_DELAY_MS): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      const wait = this.bulkUntil - Date.now()
      if (wait > 0) return this.schedule(wait)
      this.running = this.running.then(() => this.flush()).catch((error: unknown) => console.error('Quire search index:', error))
    }, delay)
  }

  /** Calls `listener` after each batch of changes reached the index (open searches run again); returns the unsubscriber. */
  onFlushed(listener: () => void): () => void {
    this.flushed.add(listener)
    return () => this.flushed.delete(listener)
  }

  /** Resolves once every change noted so far is in the index. */
  async settled(): Promise<void> {
    while (this.timer || this.dirty.size > 0 || this.droppedRanges.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS))
      await this.running
    }
    await this.running
  }

  private async flush(): Promise<void> {
    // a dropped range is not applied blindly: its entries are checked against the store like any
    // noted message. A folder's reset deletes its range and writes its messages in one transaction,
    // and a flush already running may index those messages before it sees the range; dropping the
    // range afterwards would lose them from search (the store holds them, nothing notes them again).
    for (const [lower, upper] of this.droppedRanges.splice(0)) {
      for (const key of await this.db.entries.where('[accountId+path+uid]').between(lower, upper, true, true).primaryKeys()) this.dirty.add(idOf(key))
      this.memory.forEachInRange(lower, upper, (key) => this.dirty.add(idOf(key)))
    }
    while (this.dirty.size > 0) {
      // a backfill started again: the rest waits for it to pause
      if (Date.now() < this.bulkUntil) {
        this.schedule(this.bulkUntil - Date.now())
        break
      }
      const batch: string[] = []
      for (const id of this.dirty) {
        batch.push(id)
        if (batch.length === BATCH) break
      }
      for (const id of batch) this.dirty.delete(id)
      await this.reindex(batch.map((id) => JSON.parse(id) as MessageKey))
    }
    this.memory.pack()
    for (const listener of [...this.flushed]) listener()
  }

  /** Rebuilds the entries of these messages from the store (or drops them when the message is gone). */
  async reindex(keys: readonly MessageKey[]): Promise<void> {
    const store = this.store
    if (!store || keys.length === 0) return
    const [messages, bodies] = await store.transaction('r', [store.messages, store.bodies], () => Promise.all([store.messages.bulkGet([...keys]), store.bodies.bulkGet([...keys])]))
    const entries: IndexEntry[] = []
    const gone: MessageKey[] = []
    keys.forEach((key, i) => {
      const message = messages[i]
      if (message) entries.push(entryFor(message, bodies[i]))
      else gone.push(key)
    })
    await this.db.transaction('rw', this.db.entries, async () => {
      await this.db.entries.bulkDelete(gone)
      await this.db.entries.bulkPut(entries)
    })
    for (const key of gone) this.memory.remove(key)
    for (const entry of entries) this.memory.set(keyOf(entry), entry.date ?? 0, entry.words)
  }

  /**
   * Resolves once `memory` holds every entry of IndexedDB. The first call reads them, a page at a
   * time, in the same queue as the index's writes (so none is missed or applied twice).
   */
  ready(): Promise<void> {
    if (!this.loaded) {
      const loading = this.running.then(() => this.load())
      this.loaded = loading
      // a failed load is tried again by the next search; the writes queued behind it go on
      this.running = loading.catch((error: unknown) => {
        this.loaded = undefined
        console.error('Quire search index:', error)
      })
    }
    return this.loaded
  }

  private async load(): Promise<void> {
    let after: MessageKey | undefined
    for (;;) {
      const page = await (after ? this.db.entries.where(':id').above(after) : this.db.entries.toCollection()).limit(LOAD_PAGE).toArray()
      if (page.length === 0) return this.memory.pack()
      // entries from before dates were kept take theirs from the store
      const undated = page.filter((entry) => entry.date === undefined)
      const store = this.store
      if (undated.length > 0 && store) {
        const rows = await store.messages.bulkGet(undated.map(keyOf))
        undated.forEach((entry, i) => (entry.date = rows[i]?.internalDate ?? 0))
      }
      for (const entry of page) this.memory.set(keyOf(entry), entry.date ?? 0, entry.words)
      after = keyOf(page.at(-1)!)
    }
  }

  /**
   * Catches up with the store: indexes cached messages the index lacks (or whose body arrived
   * since), drops entries of messages no longer cached, and loads the index into memory. Runs in
   * batches, so the UI stays responsive.
   */
  async catchUp(): Promise<void> {
    const store = this.store
    if (!store) return
    const [messageKeys, entryKeys, bodyKeys, withoutBody] = await Promise.all([
      store.messages.toCollection().primaryKeys(),
      this.db.entries.toCollection().primaryKeys(),
      store.bodies.toCollection().primaryKeys(),
      this.db.entries.where('body').equals(0).primaryKeys(),
    ])
    const indexed = new Set(entryKeys.map(idOf))
    const cached = new Set(messageKeys.map(idOf))
    const lacksBody = new Set(withoutBody.map(idOf))
    for (const key of messageKeys) if (!indexed.has(idOf(key))) this.dirty.add(idOf(key))
    for (const key of bodyKeys) if (lacksBody.has(idOf(key))) this.dirty.add(idOf(key))
    for (const key of entryKeys) if (!cached.has(idOf(key))) this.dirty.add(idOf(key))
    this.schedule()
    // searches answer from memory: load it before the first keystroke, but after the app has shown
    // its first rows (loading 100k entries at once holds up IndexedDB's other reads)
    setTimeout(() => void this.ready().catch(() => {}), PRELOAD_DELAY_MS)
  }
}
