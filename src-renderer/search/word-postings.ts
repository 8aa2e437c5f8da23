import { cmp } from 'dexie'
import type { MessageKey } from '../store/database'

/** A message found by words, with the date lists sort by (INTERNALDATE). */
export interface Posting {
  key: MessageKey
  date: number
}

/** Growable typed arrays: a number per message or per word costs its bytes, not a boxed slot. */
function grown<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T, needed: number, make: (length: number) => T): T {
  if (needed <= array.length) return array
  const next = make(Math.max(needed, Math.ceil(array.length * 1.5), 64))
  next.set(array)
  return next
}

/** Postings appended since the last packing before they are packed: bounds the boxed numbers held. */
const PACK_AFTER = 1 << 18

/**
 * For each word, the message numbers that have it, ascending, packed: the gaps between numbers as
 * LEB128 varints in one byte arena (a word found in most messages costs about a byte a message,
 * not a boxed slot of a JS array). New numbers go to small per-word tails first and are packed
 * into the arena once enough have gathered.
 */
class PostingLists {
  private arena = new Uint8Array(0)
  private arenaLength = 0
  /** per word: where its packed run starts in the arena, how many bytes, the last number in it */
  private start = new Uint32Array(0)
  private bytes = new Uint32Array(0)
  private last = new Int32Array(0)
  /** per word: how many numbers it has, packed and pending */
  private counts = new Uint32Array(0)
  private words = 0
  /** per word id, the numbers not packed yet */
  private pending: (number[] | undefined)[] = []
  private pendingCount = 0

  /** Adds a word with no numbers yet; returns its id. */
  addWord(): number {
    const id = this.words++
    this.start = grown(this.start, this.words, (n) => new Uint32Array(n))
    this.bytes = grown(this.bytes, this.words, (n) => new Uint32Array(n))
    this.counts = grown(this.counts, this.words, (n) => new Uint32Array(n))
    this.last = grown(this.last, this.words, (n) => new Int32Array(n))
    this.last[id] = -1
    return id
  }

  /** Appends a message number to a word's list (numbers only ever grow). */
  push(word: number, doc: number): void {
    const tail = this.pending[word]
    if (tail) tail.push(doc)
    else this.pending[word] = [doc]
    this.counts[word]!++
    if (++this.pendingCount >= PACK_AFTER) this.pack()
  }

  count(word: number): number {
    return this.counts[word]!
  }

  /** Moves every pending number into the arena: one copy of the arena, each word's run kept contiguous. */
  pack(): void {
    if (this.pendingCount === 0) return
    let extra = 0
    for (const tail of this.pending) if (tail) extra += tail.length * 5
    const arena = new Uint8Array(Math.ceil((this.arenaLength + extra) * 1.1))
    let at = 0
    for (let word = 0; word < this.words; word++) {
      const from = this.start[word]!
      const length = this.bytes[word]!
      arena.set(this.arena.subarray(from, from + length), at)
      this.start[word] = at
      at += length
      const tail = this.pending[word]
      if (!tail) continue
      let previous = this.last[word]!
      for (const doc of tail) {
        let gap = doc - previous
        previous = doc
        while (gap >= 0x80) {
          arena[at++] = (gap & 0x7f) | 0x80
          gap >>>= 7
        }
        arena[at++] = gap
      }
      this.last[word] = previous
      this.bytes[word] = at - this.start[word]!
    }
    this.arena = at < arena.length * 0.9 ? arena.slice(0, at) : arena
    this.arenaLength = at
    this.pending = []
    this.pendingCount = 0
  }

  /** Calls `visit` with each number of a word's list, ascending. */
  forEach(word: number, visit: (doc: number) => void): void {
    const arena = this.arena
    const end = this.start[word]! + this.bytes[word]!
    let doc = -1
    for (let at = this.start[word]!; at < end; ) {
      let gap = 0
      let shift = 0
      let byte: number
      do {
        byte = arena[at++]!
        gap |= (byte & 0x7f) << shift
        shift += 7
      } while (byte & 0x80)
      doc += gap
      visit(doc)
    }
    const tail = this.pending[word]
    if (tail) for (const doc of tail) visit(doc)
  }
}

/**
 * The full-text index held in memory for searching: for each word, the messages that have it.
 * IndexedDB keeps the same entries (what survives a restart); answering from here makes a two-word
 * search over 100k messages a pass over two lists of numbers instead of reading and intersecting
 * 100k keys from IndexedDB (which alone takes longer than a keystroke should).
 *
 * Messages are numbered as they are added; a message indexed again gets a new number and its
 * old one is marked gone, so word lists only ever grow at the end. Keys are kept as a folder
 * number and a UID, so 100k messages do not hold 100k copies of the account id and path; per
 * message numbers live in typed arrays and word lists are packed (`PostingLists`), so 100k
 * messages of 30 words take a few MB.
 */
export class WordPostings {
  private readonly wordIds = new Map<string, number>()
  private readonly words: string[] = []
  private readonly lists = new PostingLists()
  /** word ids in code-unit order of their words, for prefix ranges; rebuilt when words were added since */
  private sorted = new Int32Array(0)

  private readonly folders: [MessageKey[0], string][] = []
  private readonly folderIds = new Map<string, number>()
  private docs = 0
  private docFolder = new Uint32Array(0)
  private docUid = new Uint32Array(0)
  private docDate = new Float64Array(0)
  /** 1 while the message number is the live one of its message */
  private alive = new Uint8Array(0)
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
    const doc = this.docs++
    this.docFolder = grown(this.docFolder, this.docs, (n) => new Uint32Array(n))
    this.docUid = grown(this.docUid, this.docs, (n) => new Uint32Array(n))
    this.docDate = grown(this.docDate, this.docs, (n) => new Float64Array(n))
    this.alive = grown(this.alive, this.docs, (n) => new Uint8Array(n))
    this.docFolder[doc] = folder
    this.docUid[doc] = key[2]
    this.docDate[doc] = date
    this.alive[doc] = 1
    this.docOf[folder]!.set(key[2], doc)
    this.live++
    for (const word of words) {
      let id = this.wordIds.get(word)
      if (id === undefined) {
        id = this.lists.addWord()
        this.wordIds.set(word, id)
        this.words.push(word)
      }
      this.lists.push(id, doc)
    }
  }

  remove(key: MessageKey): void {
    const folder = this.folderIds.get(`${key[0]}\u0000${key[1]}`)
    if (folder === undefined) return
    const doc = this.docOf[folder]!.get(key[2])
    if (doc === undefined) return
    this.docOf[folder]!.delete(key[2])
    this.alive[doc] = 0
    this.live--
  }

  /**
   * Packs the word lists written since the last packing and readies the sorted vocabulary and the
   * newest-first order: call once a batch of writes is done, so idle memory is the packed form and
   * the next keystroke's search does not pay for sorting.
   */
  pack(): void {
    this.lists.pack()
    this.sortedWords()
    this.newestOrder()
  }

  /** Calls `visit` with the key of every indexed message whose key lies in [lower, upper]. */
  forEachInRange(lower: unknown, upper: unknown, visit: (key: MessageKey) => void): void {
    this.folders.forEach(([accountId, path], folder) => {
      for (const uid of [...this.docOf[folder]!.keys()]) {
        const key = [accountId, path, uid] as MessageKey
        if (cmp(key, lower) >= 0 && cmp(key, upper) <= 0) visit(key)
      }
    })
  }

  /** Forgets every message whose key lies in [lower, upper] (a folder or account left the cache). */
  removeRange(lower: unknown, upper: unknown): void {
    const keys: MessageKey[] = []
    this.forEachInRange(lower, upper, (key) => keys.push(key))
    for (const key of keys) this.remove(key)
  }

  /** Word ids of every indexed word starting with `prefix`: one binary search in the sorted vocabulary. */
  /**
   * Word ids in code-unit order of their words. Ids are given in order of arrival, so the words
   * added since the last call are the ids from the old length on: those alone are sorted, then
   * merged in (a new mail's few new words cost a pass over the vocabulary, not a sort of it).
   */
  private sortedWords(): Int32Array {
    const words = this.words
    const old = this.sorted
    if (old.length === words.length) return old
    const order = (a: number, b: number) => (words[a]! < words[b]! ? -1 : words[a]! > words[b]! ? 1 : 0)
    const added = Int32Array.from({ length: words.length - old.length }, (_, i) => old.length + i).sort(order)
    const merged = new Int32Array(words.length)
    let i = 0
    let j = 0
    for (let at = 0; at < merged.length; at++) merged[at] = j >= added.length || (i < old.length && words[old[i]!]! <= words[added[j]!]!) ? old[i++]! : added[j++]!
    this.sorted = merged
    return merged
  }

  private wordsStartingWith(prefix: string): number[] {
    const words = this.words
    const sorted = this.sortedWords()
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (words[sorted[mid]!]! < prefix) lo = mid + 1
      else hi = mid
    }
    const found: number[] = []
    for (let i = lo; i < sorted.length && words[sorted[i]!]!.startsWith(prefix); i++) found.push(sorted[i]!)
    return found
  }

  /**
   * Every message number, newest first (date, then the later indexed): brought up to date when
   * messages were added since. Built by a numeric sort of the date's second and the number packed
   * in one float, far faster than a comparator over 100k, then put in exact order within each second.
   */
  private newestOrder(): Int32Array {
    const docs = this.docs
    if (this.byDate?.length === docs) return this.byDate
    const dates = this.docDate
    const exact = (a: number, b: number) => dates[b]! - dates[a]! || b - a
    // a few messages indexed since (a new mail, a flag change indexed again): merged into the order
    // there is, a pass over it, where sorting 100k numbers again took about 100 ms
    const old = this.byDate
    if (old && docs - old.length <= old.length / 8) {
      const added = Int32Array.from({ length: docs - old.length }, (_, i) => old.length + i).sort(exact)
      const merged = new Int32Array(docs)
      let i = 0
      let j = 0
      for (let at = 0; at < docs; at++) merged[at] = j >= added.length || (i < old.length && exact(old[i]!, added[j]!) < 0) ? old[i++]! : added[j++]!
      this.byDate = merged
      return merged
    }
    const order = new Int32Array(docs)
    const DOC_BITS = 2 ** 21
    let minSecond = Infinity
    let maxSecond = -Infinity
    for (let doc = 0; doc < docs; doc++) {
      const date = dates[doc]!
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
    const docs = this.docs
    // how many terms each message has matched so far; a message counts once per term even when
    // several of its words start with the term ("team", "teams")
    const hits = unique.length < 256 ? new Uint8Array(docs) : new Uint16Array(docs)
    // the rarest term first: later terms only raise messages that every earlier term raised
    const termWords = unique.map((term) => this.wordsStartingWith(term)).map((ids) => ({ ids, total: ids.reduce((n, id) => n + this.lists.count(id), 0) }))
    termWords.sort((a, b) => a.total - b.total)
    termWords.forEach(({ ids }, round) => {
      const raise = (doc: number) => {
        if (hits[doc] === round) hits[doc] = round + 1
      }
      for (const id of ids) this.lists.forEach(id, raise)
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
