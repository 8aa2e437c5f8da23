import type { AccountId } from '../../src-main/common/domain/account'
import { accountRange, type QuireDatabase } from './database'

/**
 * Which Message-IDs an account's cached messages may have or name, as a Bloom filter: "no" is
 * certain, "maybe" is checked against the store. Threading asks about every Message-ID of a batch,
 * and during an initial sync nearly all of them are new; the filter answers those in memory, so only
 * the few that may link to stored messages cost an IndexedDB look-up. Each look-up and each stored
 * entry is a request to IndexedDB, which costs as much as writing the message itself.
 *
 * One row per account, read and written in the transaction of the batch it covers, so it never
 * misses an id the store holds. Removing messages leaves their ids in the filter (a Bloom filter
 * cannot forget); that only makes a few more look-ups find nothing. When a filter holds as many ids
 * as it was sized for, a twice larger one is chained after it (a scalable Bloom filter), so the
 * false-positive rate stays low however large the account grows, without re-reading the store.
 */
export interface MessageIdFilterRow {
  accountId: AccountId
  filters: FilterPart[]
}

interface FilterPart {
  /** bit array, a power of two in length */
  bits: Uint32Array
  /** how many ids this part was sized for, and how many it holds */
  capacity: number
  count: number
}

const FIRST_CAPACITY = 1 << 16
// 16 bits and 6 hashes per id: about 0.1% false positives at capacity
const BITS_PER_ID = 16
const HASHES = 6

function emptyPart(capacity: number): FilterPart {
  return { bits: new Uint32Array((capacity * BITS_PER_ID) / 32), capacity, count: 0 }
}

/** Two independent 32-bit hashes of a string (FNV-1a, and the same with another basis and a final mix). */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ id.length
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  // odd, so the probe sequence a + i·b visits distinct bits
  return [a >>> 0, (b | 1) >>> 0]
}

function* positions(part: FilterPart, id: string): Generator<number> {
  const [a, b] = hashes(id)
  const mask = part.bits.length * 32 - 1
  for (let i = 0; i < HASHES; i++) yield (a + Math.imul(i, b)) & mask
}

function partHas(part: FilterPart, id: string): boolean {
  for (const bit of positions(part, id)) if ((part.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false
  return true
}

export class MessageIdFilter {
  private constructor(readonly row: MessageIdFilterRow) {}

  static empty(accountId: AccountId): MessageIdFilter {
    return new MessageIdFilter({ accountId, filters: [emptyPart(FIRST_CAPACITY)] })
  }

  static of(row: MessageIdFilterRow): MessageIdFilter {
    return new MessageIdFilter(row)
  }

  mayHave(id: string): boolean {
    return this.row.filters.some((part) => partHas(part, id))
  }

  add(id: string): void {
    if (this.mayHave(id)) return
    let part = this.row.filters.at(-1)!
    if (part.count >= part.capacity) {
      part = emptyPart(part.capacity * 2)
      this.row.filters.push(part)
    }
    for (const bit of positions(part, id)) part.bits[bit >>> 5]! |= 1 << (bit & 31)
    part.count++
  }
}

/**
 * The account's filter, inside the caller's transaction (which must include `messageIdFilters` and
 * `messages`). An account without one (a cache from before the filter existed) gets it built from
 * its cached messages, once.
 */
export async function readMessageIdFilter(db: QuireDatabase, accountId: AccountId): Promise<MessageIdFilter> {
  const row = await db.messageIdFilters.get(accountId)
  if (row) return MessageIdFilter.of(row)
  const filter = MessageIdFilter.empty(accountId)
  const [lo, hi] = accountRange(accountId)
  await db.messages
    .where('[accountId+path+uid]')
    .between(lo, hi)
    .each((message) => {
      for (const id of [message.messageId, ...message.references]) if (id !== null) filter.add(id)
    })
  return filter
}

export async function writeMessageIdFilter(db: QuireDatabase, filter: MessageIdFilter): Promise<void> {
  await db.messageIdFilters.put(filter.row)
}
