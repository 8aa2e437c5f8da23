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
   * The first `limit` of `docs` in `order`. Many matches (a common word) are ordered by a numeric
   * sort of the date's second and the message number packed in one float, far faster than a
   * comparator; the part returned is then put in exact order.
   */
  private newest(docs: number[], limit: number, order: (a: number, b: number) => number): number[] {
    const DOC_BITS = 2 ** 21
    if (docs.length <= 2000 || this.docUid.length >= DOC_BITS || docs.some((doc) => !(this.docDate[doc]! >= 0))) return docs.sort(order).slice(0, limit)
    const packed = new Float64Array(docs.length)
    docs.forEach((doc, i) => (packed[i] = -(Math.floor(this.docDate[doc]! / 1000) * DOC_BITS + doc)))
    packed.sort()
    // a second's worth of messages may straddle the cut: take them all, then order exactly
    const take = Math.min(docs.length, limit + 1)
    let end = take
    const second = (value: number) => Math.floor(-value / DOC_BITS)
    while (end < packed.length && second(packed[end]!) === second(packed[take - 1]!)) end++
    const head: number[] = []
    for (let i = 0; i < end; i++) head.push(-packed[i]! % DOC_BITS)
    return head.sort(order).slice(0, limit)
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
    const matched: number[] = []
    const all = termWords.length
    for (let doc = 0; doc < docs; doc++) if (hits[doc] === all && this.alive[doc]) matched.push(doc)
    const dates = this.docDate
    const newestFirst = (a: number, b: number) => dates[b]! - dates[a]! || b - a
    return this.newest(matched, limit, newestFirst).map((doc) => {
      const [accountId, path] = this.folders[this.docFolder[doc]!]!
      return { key: [accountId, path, this.docUid[doc]!], date: dates[doc]! }
    })
  }
}
