import { cmp } from 'dexie'
import type { MessageKey } from '../store/database'

/** A message found by words, with the date lists sort by (INTERNALDATE). */
export interface Posting {
  key: MessageKey
  date: number
}

/**
 * The full-text index held in memory for searching: for each word, the messages that have it.
 * IndexedDB keeps the same entries (what survives a restart); answering from here makes a two-word
 * search over 100k messages a pass over two lists of numbers instead of reading and intersecting
 * 100k keys from IndexedDB (which alone takes longer than a keystroke should).
 *
 * Messages are numbered as they are added; a message indexed again gets a new number and its
 * old one is marked gone, so word lists only ever grow at the end. Keys are kept as a folder
 * number and a UID, so 100k messages do not hold 100k copies of the account id and path.
 */
export class WordPostings {
  private readonly wordIds = new Map<string, number>()
  private readonly words: string[] = []
  /** for each word id, the message numbers that have it, ascending */
  private readonly lists: number[][] = []
  /** the vocabulary in code-unit order, for prefix ranges; rebuilt when words were added since */
  private sorted: string[] = []
  private sortedSize = 0

  private readonly folders: [MessageKey[0], string][] = []
  private readonly folderIds = new Map<string, number>()
  private readonly docFolder: number[] = []
  private readonly docUid: number[] = []
  private readonly docDate: number[] = []
  private readonly alive: boolean[] = []
  /** per folder number, the live message number of each UID */
  private readonly docOf: Map<number, number>[] = []
  private live = 0
  private byDate: Int32Array | undefined

  /** How many messages are indexed. */
  get size(): number {
    return this.live
  }

  private folderOf(accountId: MessageKey[0], path: string): number {
    const id = `${accountId}\u0000${path}`
    let folder = this.folderIds.get(id)
    if (folder === undefined) {
      folder = this.folders.length
      this.folders.push([accountId, path])
      this.folderIds.set(id, folder)
      this.docOf.push(new Map())
    }
    return folder
  }

  /** Indexes a message under these words (replacing what it was indexed under before). */
  set(key: MessageKey, date: number, words: readonly string[]): void {
    this.remove(key)
    const folder = this.folderOf(key[0], key[1])
    const doc = this.docUid.length
    this.docFolder.push(folder)
    this.docUid.push(key[2])
    this.docDate.push(date)
    this.alive.push(true)
    this.docOf[folder]!.set(key[2], doc)
    this.live++
    for (const word of words) {
      let id = this.wordIds.get(word)
      if (id === undefined) {
        id = this.words.length
        this.wordIds.set(word, id)
        this.words.push(word)
        this.lists.push([])
      }
      this.lists[id]!.push(doc)
    }
  }

  remove(key: MessageKey): void {
    const folder = this.folderIds.get(`${key[0]}\u0000${key[1]}`)
    if (folder === undefined) return
    const doc = this.docOf[folder]!.get(key[2])
    if (doc === undefined) return
    this.docOf[folder]!.delete(key[2])
    this.alive[doc] = false
    this.live--
  }

  /** Forgets every message whose key lies in [lower, upper] (a folder or account left the cache). */
  removeRange(lower: unknown, upper: unknown): void {
    this.folders.forEach(([accountId, path], folder) => {
      for (const uid of [...this.docOf[folder]!.keys()]) {
        const key = [accountId, path, uid]
        if (cmp(key, lower) >= 0 && cmp(key, upper) <= 0) this.remove(key as MessageKey)
      }
    })
  }

  /** Word ids of every indexed word starting with `prefix`: one binary search in the sorted vocabulary. */
  private wordsStartingWith(prefix: string): number[] {
    if (this.sortedSize !== this.words.length) {
      this.sorted = [...this.words].sort()
      this.sortedSize = this.words.length
    }
    let lo = 0
    let hi = this.sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.sorted[mid]! < prefix) lo = mid + 1
      else hi = mid
    }
    const found: number[] = []
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) found.push(this.wordIds.get(this.sorted[i]!)!)
    return found
  }

  /**
   * Every message number, newest first (date, then the later indexed): rebuilt when messages were
   * added since. Built by a numeric sort of the date's second and the number packed in one float,
   * far faster than a comparator over 100k, then put in exact order within each second.
   */
  private newestOrder(): Int32Array {
    const docs = this.docUid.length
    if (this.byDate?.length === docs) return this.byDate
    const dates = this.docDate
    const order = new Int32Array(docs)
    const exact = (a: number, b: number) => dates[b]! - dates[a]! || b - a
    const DOC_BITS = 2 ** 21
    let minSecond = Infinity
    let maxSecond = -Infinity
    for (const date of dates) {
      minSecond = Math.min(minSecond, Math.floor(date / 1000))
      maxSecond = Math.max(maxSecond, Math.floor(date / 1000))
    }
    if (docs >= DOC_BITS || !Number.isFinite(maxSecond - minSecond) || (maxSecond - minSecond + 1) * DOC_BITS > Number.MAX_SAFE_INTEGER) {
      for (let doc = 0; doc < docs; doc++) order[doc] = doc
      order.sort(exact)
    } else {
      const packed = new Float64Array(docs)
      for (let doc = 0; doc < docs; doc++) packed[doc] = -((Math.floor(dates[doc]! / 1000) - minSecond) * DOC_BITS + doc)
      packed.sort()
      for (let i = 0; i < docs; i++) order[i] = -packed[i]! % DOC_BITS
      // messages of one second are in number order: put them in date order
      for (let i = 0; i < docs; ) {
        const second = Math.floor(dates[order[i]!]! / 1000)
        let end = i + 1
        while (end < docs && Math.floor(dates[order[end]!]! / 1000) === second) end++
        if (end - i > 1) order.subarray(i, end).sort(exact)
        i = end
      }
    }
    this.byDate = order
    return order
  }

  /**
   * Messages with, for every term, a word starting with it; newest first. `limit` bounds the
   * result when the caller needs no more (the dates are sorted only as far as needed).
   */
  search(terms: readonly string[], limit = Infinity): Posting[] {
    const unique = [...new Set(terms)]
    if (unique.length === 0) return []
    const docs = this.docUid.length
    // how many terms each message has matched so far; a message counts once per term even when
    // several of its words start with the term ("team", "teams")
    const hits = unique.length < 256 ? new Uint8Array(docs) : new Uint16Array(docs)
    // the rarest term first: later terms only raise messages that every earlier term raised
    const termWords = unique.map((term) => this.wordsStartingWith(term)).map((ids) => ({ ids, total: ids.reduce((n, id) => n + this.lists[id]!.length, 0) }))
    termWords.sort((a, b) => a.total - b.total)
    termWords.forEach(({ ids }, round) => {
      for (const id of ids) {
        for (const doc of this.lists[id]!) if (hits[doc] === round) hits[doc] = round + 1
      }
    })
    // newest first, stopping at `limit`: a common word costs the walk to its limit-th match, not a sort of every match
    const all = termWords.length
    const matched: number[] = []
    for (const doc of this.newestOrder()) {
      if (hits[doc] === all && this.alive[doc]) {
        matched.push(doc)
        if (matched.length >= limit) break
      }
    }
    const dates = this.docDate
    return matched.map((doc) => {
      const [accountId, path] = this.folders[this.docFolder[doc]!]!
      return { key: [accountId, path, this.docUid[doc]!], date: dates[doc]! }
    })
  }
}
