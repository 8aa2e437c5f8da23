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
 * Whether the index is known to hold exactly what the store holds for one folder (`id` is the
 * folder's key as JSON), or for everything (`id` is `ALL`: a write deleted a range wider than a
 * folder). Written `inStep: 0` as soon as a store write to it is noted, before that write commits,
 * and `inStep: 1` once every noted change is indexed: so a start finds out which folders changed
 * without the index seeing it (the app closed before indexing caught up) without comparing keys.
 */
export interface FolderMark {
  id: string
  inStep: Bit
  /** the store's schema version when this was written: an upgrade may rewrite rows the index never saw */
  storeVersion: number
}

const ALL = 'all'

/**
 * The local full-text index, in a database of its own beside the store's (the store's schema
 * stays the store's): one entry per cached message, with a multi-entry index on its words so a
 * word prefix is one index range; and a mark per folder saying whether its entries are in step.
 */
class SearchDatabase extends Dexie {
  declare readonly entries: Table<IndexEntry, MessageKey>
  declare readonly marks: Table<FolderMark, string>

  constructor(name: string) {
    // derived from the store, rebuilt by catchUp if a commit was lost: no need to wait on the disk
    super(name, { chromeTransactionDurability: 'relaxed' })
    this.version(1).stores({ entries: '[accountId+path+uid], *words, body' })
    // Version 2: the folder marks. An index from before has none, so its first start compares every folder once.
    this.version(2).stores({ marks: 'id' })
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
type FolderOf = [MessageKey[0], string]
const folderIdOf = (key: readonly unknown[]) => JSON.stringify([key[0], key[1]])

/** Keys read per request when the start compares a folder's keys: IndexedDB answers the UI's reads between them. */
const KEY_PAGE = 5000

/** Lets the UI's work (and IndexedDB requests it queued) go first. */
const yieldToUi = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

type KeyedTable = Table<unknown, MessageKey>

/** The distinct folders a table keyed [accountId+path+uid] has rows of: one short read per folder, skipping over each folder's rows. */
async function foldersIn(table: KeyedTable): Promise<FolderOf[]> {
  const folders: FolderOf[] = []
  for (let after: unknown[] | null = null; ; ) {
    const [key]: MessageKey[] = await (after ? table.where(':id').above(after) : table.toCollection()).limit(1).primaryKeys()
    if (!key) return folders
    folders.push([key[0], key[1]])
    after = [key[0], key[1], Dexie.maxKey]
  }
}

/** A folder's keys in `table`, in pages of `KEY_PAGE`, as ids. */
async function folderKeyIds(table: KeyedTable, [accountId, path]: FolderOf): Promise<Set<string>> {
  const ids = new Set<string>()
  const upper = [accountId, path, Dexie.maxKey]
  for (let lower: unknown[] = [accountId, path, Dexie.minKey], open = false; ; ) {
    const keys = await table.where(':id').between(lower, upper, !open, true).limit(KEY_PAGE).primaryKeys()
    for (const key of keys) ids.add(idOf(key))
    if (keys.length < KEY_PAGE) return ids
    lower = keys.at(-1)!
    open = true
    await yieldToUi()
  }
}

const countIn = (table: KeyedTable, [accountId, path]: FolderOf) => table.where(':id').between([accountId, path, Dexie.minKey], [accountId, path, Dexie.maxKey], true, true).count()

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
  /** folder ids (and `ALL`) with changes noted since their mark last said in step */
  private readonly unsettled = new Set<string>()
  /** the marks as the last session left them, read before this session's first write */
  private startMarks: Promise<FolderMark[]> = Promise.resolve([])
  /**
   * The start's catch-up has compared what the last session left out of step: until then no mark
   * may say in step (a folder indexed for this session's changes may still lack the last one's).
   */
  private caughtUp = false
  /** a search wants the index now: the start's catch-up stops waiting for the UI */
  private wanted!: () => void
  private readonly searchWanted = new Promise<void>((resolve) => (this.wanted = resolve))

  constructor(name = 'quire-search') {
    this.db = new SearchDatabase(name)
  }

  /** Installs the middleware; call before the store's database opens. */
  attach(store: QuireDatabase): void {
    this.store = store
    this.startMarks = this.db.marks.toArray()
    this.startMarks.catch(() => {})
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
    const touched = new Set<string>()
    switch (request.type) {
      case 'add':
      case 'put':
        for (const value of request.values as { accountId: MessageRow['accountId']; path: string; uid: number }[]) {
          const key = keyOf(value)
          this.dirty.add(idOf(key))
          touched.add(folderIdOf(key))
        }
        if (request.values.length >= BULK_WRITE) this.bulkUntil = Date.now() + BULK_QUIET_MS
        break
      case 'delete':
        for (const key of request.keys as MessageKey[]) {
          this.dirty.add(idOf(key))
          touched.add(folderIdOf(key))
        }
        break
      case 'deleteRange': {
        // DBCoreRangeType.Any (3) is a whole-table clear
        const range: [unknown, unknown] = request.range.type === 3 ? [Dexie.minKey, Dexie.maxKey] : [request.range.lower, request.range.upper]
        this.droppedRanges.push(range)
        touched.add(oneFolder(range) ?? ALL)
        break
      }
    }
    this.markUnsettled(touched)
    this.schedule()
  }

  /**
   * Marks these folders out of step, once per change of state: the mark's write is issued now,
   * while the store's transaction that noted them has yet to commit, so a start after the app
   * closed mid-indexing finds it.
   */
  private markUnsettled(ids: Iterable<string>): void {
    const fresh = [...ids].filter((id) => !this.unsettled.has(id))
    if (fresh.length === 0) return
    for (const id of fresh) this.unsettled.add(id)
    this.writeMarks(fresh, 0)
  }

  private writeMarks(ids: readonly string[], inStep: Bit): void {
    const storeVersion = this.store?.verno ?? 0
    this.db.marks.bulkPut(ids.map((id) => ({ id, inStep, storeVersion }))).catch((error: unknown) => console.error('Quire search index:', error))
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
    // everything noted so far is indexed: the folders it touched are in step again (a change noted
    // after this marks its folder out of step by a later write, which IndexedDB applies after this one)
    if (this.caughtUp && this.dirty.size === 0 && this.droppedRanges.length === 0 && this.unsettled.size > 0) {
      this.writeMarks([...this.unsettled], 1)
      this.unsettled.clear()
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
    this.wanted()
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
   * Catches up with the store once `when` settles (the app has shown what the user opened) or a
   * search needs the index, whichever is first: indexes cached messages the index lacks (or whose
   * body arrived since), drops entries of messages no longer cached, then loads the index into
   * memory. Only folders whose mark is not in step, or whose message count differs from their
   * entry count (a commit lost in a crash), have their keys compared; the rest costs two counts
   * per folder. Resolves once those changes are queued for indexing (see `settled`).
   */
  async catchUp(when: Promise<unknown> = Promise.resolve()): Promise<void> {
    const store = this.store
    if (!store) return
    await Promise.race([when.catch(() => {}), this.searchWanted])
    const messages = store.messages as unknown as KeyedTable
    const entries = this.db.entries as unknown as KeyedTable
    const [marks, cachedFolders, indexedFolders] = await Promise.all([this.startMarks, foldersIn(messages), foldersIn(entries)])
    const markOf = new Map(marks.map((mark) => [mark.id, mark]))
    const trusted = (id: string) => {
      const mark = markOf.get(id)
      return mark?.inStep === 1 && mark.storeVersion === store.verno
    }
    const everything = markOf.has(ALL) && !trusted(ALL)
    const folders = new Map<string, FolderOf>()
    for (const folder of [...cachedFolders, ...indexedFolders]) folders.set(folderIdOf(folder), folder)
    for (const mark of marks) if (mark.id !== ALL && !trusted(mark.id)) folders.set(mark.id, JSON.parse(mark.id) as FolderOf)
    const compare: FolderOf[] = []
    for (const [id, folder] of folders) {
      if (everything || !trusted(id)) compare.push(folder)
      else if ((await countIn(messages, folder)) !== (await countIn(entries, folder))) compare.push(folder)
    }
    if (compare.length > 0) await this.compareFolders(compare)
    if (everything) this.unsettled.add(ALL)
    this.caughtUp = true
    this.schedule()
    // searches answer from memory: load it now, before the first keystroke
    void this.ready().catch(() => {})
  }

  /** Notes each key of these folders where the index and the store disagree; their marks say in step once indexed. */
  private async compareFolders(folders: readonly FolderOf[]): Promise<void> {
    const store = this.store!
    // entries that hold their body's words, of every folder (the one index that is not per folder;
    // bodies are kept of far fewer messages than headers, so this is the short side of it)
    const withBody = new Set((await this.db.entries.where('body').equals(1).primaryKeys()).map(idOf))
    for (const folder of folders) {
      const cached = await folderKeyIds(store.messages as unknown as KeyedTable, folder)
      const indexed = await folderKeyIds(this.db.entries as unknown as KeyedTable, folder)
      const bodies = await folderKeyIds(store.bodies as unknown as KeyedTable, folder)
      const differ: string[] = []
      for (const id of cached) if (!indexed.has(id)) differ.push(id)
      for (const id of indexed) if (!cached.has(id)) differ.push(id)
      for (const id of bodies) if (!withBody.has(id)) differ.push(id)
      for (const id of differ) this.dirty.add(id)
      this.markUnsettled([folderIdOf(folder)])
      await yieldToUi()
    }
  }
}

/** The folder id of a key range that covers one folder only (a folder's reset), else null. */
function oneFolder([lower, upper]: [unknown, unknown]): string | null {
  if (!Array.isArray(lower) || !Array.isArray(upper) || lower.length < 3 || upper.length < 3) return null
  return lower[0] === upper[0] && lower[1] === upper[1] ? folderIdOf(lower) : null
}
