import { Dexie, type Table } from 'dexie'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { AddressBook, AddressBookCursor, ContactCard, ContactTask, GroupStyle, StoredCard } from '../../../src-main/common/domain/contact'
import type { DavAccount } from '../../../src-main/common/domain/dav-account'

/** IndexedDB cannot index booleans: flags the UI filters by are 0 or 1. */
export type Bit = 0 | 1

/** An address book as main lists it, with where its cache stands. */
export interface AddressBookRow extends AddressBook {
  /** stored together with the cards it covers (DESIGN.md flow 1) */
  cursor: AddressBookCursor | null
  lastSyncAt: number | null
  /** why the last sync failed, for the UI; null when it worked */
  error: string | null
}

/** One card in one address book: the server's vCard as stored, and what Quire reads in it. */
export interface CardRow {
  accountId: AccountId
  bookUrl: string
  href: string
  /** null until the server stored a card created here */
  etag: string | null
  /** the vCard text as the server has it; null until a card created here is stored */
  raw: string | null
  card: ContactCard
  /** derived for the indexes below (see card-index.ts) */
  kind: ContactCard['kind']
  /** what the A–Z list sorts by */
  sortKey: string
  /** A–Z, or # for names that start with anything else */
  letter: string
  /** lower-case words of the names, nicknames, organisation and addresses: prefix search */
  words: string[]
  /** lower-case email addresses: duplicates, autocomplete, mail senders */
  emails: string[]
  /** the UID without `urn:uuid:`, lower case: what a group's MEMBER names */
  uidKey: string
  /** 1 while a change made here is on its way to the server */
  pending: Bit
  /** 1 while the server refused a change because its copy changed too: a ConflictRow says how */
  conflicted: Bit
}

export type CardKey = [AccountId, string]

/** A change to a card on its way to the server, with what undoes it locally. */
export interface ContactTaskRow {
  id?: number
  accountId: AccountId
  bookUrl: string
  href: string
  task: ContactTask
  /** the row before the change (null: it did not exist) */
  before: CardRow | null
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
}

/**
 * The server refused a change because someone changed (or deleted) the card there first. Both
 * versions are kept until the user chooses: theirs in `server`, the user's in the card row (for an
 * edit) or `mine` (for a delete, whose row shows the server's version again).
 */
export interface ConflictRow {
  accountId: AccountId
  href: string
  bookUrl: string
  /** what the user did */
  action: 'update' | 'delete' | 'create'
  /** the user's version (for a delete: the card they deleted) */
  mine: ContactCard
  /** the stored vCard the user's version was made on (its refs point into it) */
  mineBaseRaw: string | null
  /** the server's version; null when it was deleted there */
  server: StoredCard | null
  createdAt: number
}

/** Something the user should learn about that happened away from their eyes. */
export interface ContactNoticeRow {
  id?: number
  text: string
  createdAt: number
  read: Bit
}

/** The DAV accounts main knows, as far as contacts need them. */
export type DavAccountRow = Pick<DavAccount, 'id' | 'name' | 'color' | 'contacts' | 'syncIntervalSeconds'>

/** Groups are written in the style an address book already uses (see group-style.ts). */
export type { GroupStyle }

/**
 * The renderer's cache of address books and cards (DESIGN.md: the renderer owns the data),
 * a database of its own beside the mail store's.
 *
 * Migrations: never edit a version that has shipped; add `this.version(N + 1).stores({...})`
 * naming only the tables whose indexes change, with an `.upgrade()` when rows must be rewritten.
 */
export class ContactsDatabase extends Dexie {
  declare readonly accounts: Table<DavAccountRow, AccountId>
  declare readonly addressBooks: Table<AddressBookRow, [AccountId, string]>
  declare readonly cards: Table<CardRow, CardKey>
  declare readonly tasks: Table<ContactTaskRow, number>
  declare readonly conflicts: Table<ConflictRow, CardKey>
  declare readonly notices: Table<ContactNoticeRow, number>

  constructor(name = 'quire-contacts') {
    super(name)
    this.version(1).stores({
      accounts: 'id',
      addressBooks: '[accountId+url], accountId',
      cards: '[accountId+href], [accountId+bookUrl], sortKey, letter, *words, *emails, [accountId+uidKey], kind, pending',
      // per account in id order: the accountId index lists them so
      tasks: '++id, accountId, [accountId+href]',
      conflicts: '[accountId+href]',
      notices: '++id, read',
    })
  }
}
