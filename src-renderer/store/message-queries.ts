import { cmp, Dexie, type Collection } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageKey, MessageRow, QuireDatabase } from './database'
import { normaliseMessageId } from './threading'

/**
 * The reads the mail views make, each served by one walk of one index from a known position, so a
 * page costs the same in a folder of fifty messages as in one of a hundred thousand. Wrap them in
 * `liveQuery` to follow the cache.
 *
 * Pages continue from the last row shown (`olderThan`), not from a count of rows to skip: skipping
 * walks every skipped row.
 */

/** Where the previous page ended: its last row. */
export type PagePosition = Pick<MessageRow, 'accountId' | 'path' | 'uid' | 'internalDate'>

const keyOf = (row: PagePosition): MessageKey => [row.accountId, row.path, row.uid]

/**
 * Rows of a date-ordered index, newest first. Rows of one date are ordered by primary key
 * (IndexedDB orders equal index keys so), so a page that ends inside a run of one date continues
 * with the rest of that run, then with the older dates.
 */
async function newestFirst(
  range: (upper: number, includeUpper: boolean) => Collection<MessageRow, MessageKey>,
  sameDate: (date: number) => Collection<MessageRow, MessageKey>,
  page: { limit: number; olderThan?: PagePosition },
): Promise<MessageRow[]> {
  const { limit, olderThan } = page
  if (!olderThan) return range(Infinity, true).reverse().limit(limit).toArray()
  const boundary = keyOf(olderThan)
  const rest = await sameDate(olderThan.internalDate)
    .reverse()
    .filter((row) => cmp(keyOf(row), boundary) < 0)
    .limit(limit)
    .toArray()
  if (rest.length === limit) return rest
  return [...rest, ...(await range(olderThan.internalDate, false).reverse().limit(limit - rest.length).toArray())]
}

/** A page of a folder's message list, newest first by arrival (RFC 3501 INTERNALDATE). */
export function folderPage(db: QuireDatabase, accountId: AccountId, path: string, page: { limit: number; olderThan?: PagePosition }): Promise<MessageRow[]> {
  return newestFirst(
    (upper, includeUpper) => db.messages.where('[accountId+path+internalDate]').between([accountId, path, Dexie.minKey], [accountId, path, upper], true, includeUpper),
    (date) => db.messages.where('[accountId+path+internalDate]').equals([accountId, path, date]),
    page,
  )
}

/** Flagged messages of every account and folder, newest first. */
export function flaggedPage(db: QuireDatabase, page: { limit: number; olderThan?: PagePosition }): Promise<MessageRow[]> {
  return newestFirst(
    (upper, includeUpper) => db.messages.where('[flagged+internalDate]').between([1, Dexie.minKey], [1, upper], true, includeUpper),
    (date) => db.messages.where('[flagged+internalDate]').equals([1, date]),
    page,
  )
}

export function folderCount(db: QuireDatabase, accountId: AccountId, path: string): Promise<number> {
  return db.messages.where({ accountId, path }).count()
}

export function unreadCount(db: QuireDatabase, accountId: AccountId, path: string): Promise<number> {
  return db.messages.where('[accountId+path+unread]').equals([accountId, path, 1]).count()
}

/** Every cached message of a conversation, in any folder of the account, oldest first. */
export async function threadMessages(db: QuireDatabase, accountId: AccountId, threadId: string): Promise<MessageRow[]> {
  const rows = await db.messages.where('[accountId+threadId]').equals([accountId, threadId]).toArray()
  return rows.sort((a, b) => (a.date ?? a.internalDate) - (b.date ?? b.internalDate))
}

/** The cached copies of one message (one per folder it is in), found by Message-ID. */
export async function messagesById(db: QuireDatabase, accountId: AccountId, messageId: string): Promise<MessageRow[]> {
  const id = normaliseMessageId(messageId)
  if (id === null) return []
  return db.messages
    .where('messageId')
    .equals(id)
    .filter((row) => row.accountId === accountId)
    .toArray()
}
