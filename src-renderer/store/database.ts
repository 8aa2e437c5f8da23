import { Dexie, type Table } from 'dexie'
import type { Account, AccountId } from '../../src-main/common/domain/account'
import type { Folder, FolderCursor, MailTask, MessageBody, MessageHeader } from '../../src-main/common/domain/mail'
import type { MessageIdFilterRow } from './message-id-filter'
import type { Revert } from './optimistic-change'

/**
 * IndexedDB cannot index booleans, so what the UI filters or counts by (unread, flagged, notice read)
 * is stored as 0 or 1 next to the data it is derived from.
 */
export type Bit = 0 | 1

/** A folder as main lists it, plus what the user chose about keeping it offline. */
export interface FolderRow extends Folder {
  accountId: AccountId
  /** keep this folder's headers in the cache and follow its changes */
  syncEnabled: boolean
  /** only messages received in the last N days are backfilled; null keeps the whole folder */
  syncSinceDays: number | null
}

/** One message header in one folder; the same message in two folders is two rows with one threadId. */
export interface MessageRow extends MessageHeader {
  accountId: AccountId
  path: string
  /** 1 while \Seen is not set */
  unread: Bit
  /** 1 while \Flagged is set */
  flagged: Bit
  /** shared by every message of one conversation in one account, across folders */
  threadId: string
  /**
   * The normalised subject, set only on messages without References or In-Reply-To: only they are
   * threaded by subject, and leaving it out elsewhere keeps that index small.
   */
  subjectKey?: string
  /** set on an answer without References whose original is not cached yet; the original adopts it */
  orphanSubject?: string
}

export interface BodyRow extends MessageBody {
  accountId: AccountId
  path: string
  fetchedAt: number
}

export interface CursorRow extends FolderCursor {
  accountId: AccountId
  path: string
}

/** A change the user made that main has not yet confirmed, with what undoes it locally. */
export interface TaskRow {
  id?: number
  accountId: AccountId
  task: MailTask
  revert: Revert
  attempts: number
  /** ms since the epoch; 0 = as soon as the tasks before it are done */
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
}

/** Something the user should learn about that happened away from their eyes, e.g. a change the server refused. */
export interface NoticeRow {
  id?: number
  accountId: AccountId | null
  text: string
  createdAt: number
  read: Bit
}

export type FolderKey = [AccountId, string]
export type MessageKey = [AccountId, string, number]

/**
 * The renderer's cache of everything (DESIGN.md: the renderer owns the data).
 *
 * Migrations: never edit a version that has shipped. To change the schema add, below the last one,
 *   this.version(N + 1).stores({ changedTable: 'new index spec', droppedTable: null })
 *     .upgrade((tx) => tx.table('messages').toCollection().modify((row) => { ... }))
 * naming only the tables whose keys or indexes change; Dexie opens older databases by running every
 * later version's upgrade in order, inside the version-change transaction. A change to row shape
 * without an index change still takes a version when old rows must be rewritten.
 */
export class QuireDatabase extends Dexie {
  declare readonly accounts: Table<Account, AccountId>
  declare readonly folders: Table<FolderRow, FolderKey>
  declare readonly messages: Table<MessageRow, MessageKey>
  declare readonly bodies: Table<BodyRow, MessageKey>
  declare readonly cursors: Table<CursorRow, FolderKey>
  declare readonly messageIdFilters: Table<MessageIdFilterRow, AccountId>
  declare readonly tasks: Table<TaskRow, number>
  declare readonly notices: Table<NoticeRow, number>

  constructor(name = 'quire') {
    // The cache can be fetched again, and each transaction stays atomic (a batch and its cursor
    // commit together or not at all); 'relaxed' only lets a commit return before the disk flush,
    // which the initial sync of 100k headers, one transaction per batch, otherwise waits on.
    // Dexie's query cache is off: the lists read whole index ranges (100k keys in a large folder),
    // and keeping and patching those results on every write cost memory and time for nothing.
    super(name, { chromeTransactionDurability: 'relaxed', cache: 'disabled' })
    this.version(1).stores({
      accounts: 'id',
      // the primary key doubles as an index on accountId alone (Dexie serves a compound key's prefix)
      folders: '[accountId+path]',
      messages: [
        '[accountId+path+uid]',
        // a folder page newest first is one reverse range walk, however large the folder
        '[accountId+path+internalDate]',
        '[accountId+path+unread]',
        // the Flagged view across accounts and folders, newest first
        '[flagged+internalDate]',
        // a conversation's messages; a message by Message-ID (a reply's parent, a moved message; gone in version 2)
        '[accountId+threadId]',
        '[accountId+messageId]',
        // the subject fallback of threading; both fields are absent on most rows, so both indexes stay small
        '[accountId+subjectKey+internalDate]',
        '[accountId+orphanSubject]',
      ].join(', '),
      bodies: '[accountId+path+uid]',
      // threading looks a batch's Message-IDs and References up here by key (bulkGet); merging
      // threads renames a thread's entries by the threadId index
      messageIds: '[accountId+messageId], [accountId+threadId]',
      cursors: '[accountId+path]',
      // tasks run per account in id order: the accountId index lists them in that order
      tasks: '++id, accountId',
      notices: '++id, accountId, read',
    })
    // Version 2: `messages` loses its Message-ID index. Every row carried an entry in it for the one
    // rare look-up (the original of a sent reply), and each index entry is written during the initial
    // sync of a whole folder; `messagesById` answers that look-up through `messageIds` instead, which
    // threading keeps anyway. Rows are unchanged, so there is nothing to rewrite: IndexedDB drops the
    // index in the version change.
    const messagesV2 = [
      '[accountId+path+uid]',
      '[accountId+path+internalDate]',
      '[accountId+path+unread]',
      '[flagged+internalDate]',
      '[accountId+threadId]',
      '[accountId+subjectKey+internalDate]',
      '[accountId+orphanSubject]',
    ]
    this.version(2).stores({ messages: messagesV2.join(', ') })
    // Version 3: threading finds related messages through two indexes of `messages` (its Message-ID,
    // and each id its References name) instead of a `messageIds` row per Message-ID. An index entry
    // costs a fraction of a row: the initial sync wrote as many `messageIds` rows as messages, and
    // looked every one of a batch's ids up. Now a Bloom filter per account (message-id-filter.ts)
    // says which ids may be cached, and only those are looked up. The indexes are not scoped by
    // account (IndexedDB has no multi-entry compound index); readers filter by accountId. Existing
    // rows get both index entries in the version change; each account's filter is built from its
    // rows the first time it is needed.
    this.version(3).stores({
      messages: [...messagesV2, 'messageId', '*references'].join(', '),
      messageIds: null,
      messageIdFilters: 'accountId',
    })
  }
}

/** Key range bounds covering every row of one folder in a table keyed [accountId+path+…]. */
export function folderRange(accountId: AccountId, path: string): [unknown[], unknown[]] {
  return [
    [accountId, path, Dexie.minKey],
    [accountId, path, Dexie.maxKey],
  ]
}

/** Key range bounds covering every row of one account in a table keyed [accountId+…]. */
export function accountRange(accountId: AccountId): [unknown[], unknown[]] {
  return [
    [accountId, Dexie.minKey],
    [accountId, Dexie.maxKey],
  ]
}
