import { QuireError } from '../../common/contract'
import type { AccountId } from '../../common/domain/account'
import type { AddressBook, AddressBookChanges, AddressBookCursor, ContactTask, StoredCard } from '../../common/domain/contact'
import { collectionChanges } from '../collection-changes'
import type { DavClient, DavClientOptions, DavDiscovery } from '../dav-client'
import { DavSessions, discoverAccount, type DavAccountSource } from '../dav-sessions'
import { listAddressBooks } from './address-book-list'
import { deleteCard, fetchCards, putCard } from './card-store'
import { writeVCard } from './vcard-write'

interface Session {
  client: DavClient
  discovery: DavDiscovery
  books: Map<string, AddressBook>
}

/**
 * CardDAV (RFC 6352) for every DAV account with contacts on: one discovered session per account,
 * address book listing, changes, card fetches and the card tasks. It keeps no contact data: cards,
 * ETags and sync tokens live in the renderer's store; here vCards are read and written.
 */
export class CardDavService {
  private readonly sessions = new DavSessions<Session>((accountId, signal) => this.open(accountId, signal))
  private readonly unsubscribe: () => void

  constructor(
    private readonly accounts: DavAccountSource,
    private readonly options: DavClientOptions = {},
  ) {
    // any change may be a new password, which the list does not show: start every session afresh
    this.unsubscribe = accounts.onChange(() => this.sessions.clear())
  }

  close(): void {
    this.unsubscribe()
    this.sessions.clear()
  }

  addressBooks(accountId: AccountId, signal?: AbortSignal): Promise<AddressBook[]> {
    return this.sessions.with(accountId, signal, async (session) => {
      const books = await listAddressBooks(session.client, accountId, session.discovery.homeUrls, signal)
      session.books = new Map(books.map((b) => [b.url, b]))
      return books
    })
  }

  changes(accountId: AccountId, bookUrl: string, cursor: AddressBookCursor | null, signal?: AbortSignal): Promise<AddressBookChanges> {
    return this.sessions.with(accountId, signal, async (session) => {
      const book = await this.book(session, accountId, bookUrl, signal)
      return collectionChanges(session.client, { url: book.url, syncCollection: book.supportsSync }, cursor, signal)
    })
  }

  fetch(accountId: AccountId, bookUrl: string, hrefs: string[], signal?: AbortSignal): Promise<{ cards: StoredCard[]; missing: string[] }> {
    return this.sessions.with(accountId, signal, (session) => {
      for (const href of hrefs) assertMember(session.client, bookUrl, href)
      return fetchCards(session.client, bookUrl, hrefs, signal)
    })
  }

  /** Replays one card task; returns the card as the server now has it (null once deleted). */
  apply(accountId: AccountId, task: ContactTask, signal?: AbortSignal): Promise<StoredCard | null> {
    return this.sessions.with(accountId, signal, async (session) => {
      const { client } = session
      switch (task.kind) {
        case 'create': {
          assertMember(client, task.bookUrl, task.href)
          const raw = task.raw ?? writeVCard({ card: task.card, groupStyle: task.groupStyle })
          return putCard(client, task.href, raw, null, signal)
        }
        case 'update': {
          client.assertTrusted(task.href)
          const raw = writeVCard({ card: task.card, base: task.baseRaw, absorb: task.absorb })
          // forcing (the user chose their version after a conflict) still names the version it replaces when it has one
          return putCard(client, task.href, raw, task.force ? (task.etag ?? null) : task.etag, signal).catch(async (error: unknown) => {
            if (!task.force || !(error instanceof QuireError) || error.code !== 'CONFLICT') throw error
            const current = (error.details as { current?: StoredCard | null } | undefined)?.current
            return putCard(client, task.href, raw, current?.etag ?? null, signal)
          })
        }
        case 'delete':
          client.assertTrusted(task.href)
          await deleteCard(client, task.href, task.force ? null : task.etag, signal)
          return null
      }
    })
  }

  private async book(session: Session, accountId: AccountId, url: string, signal?: AbortSignal): Promise<AddressBook> {
    session.client.assertTrusted(url)
    if (!session.books.has(url)) {
      const books = await listAddressBooks(session.client, accountId, session.discovery.homeUrls, signal)
      session.books = new Map(books.map((b) => [b.url, b]))
    }
    const book = session.books.get(url)
    if (!book) throw new QuireError('NOT_FOUND', { message: 'This address book no longer exists on the server.', details: { url } })
    return book
  }

  private async open(accountId: AccountId, signal?: AbortSignal): Promise<Session> {
    return { ...(await discoverAccount(this.accounts, accountId, 'carddav', this.options, signal)), books: new Map() }
  }

}

/** A card URL must lie inside the address book it belongs to, on the account's server. */
function assertMember(client: DavClient, bookUrl: string, href: string): void {
  client.assertTrusted(bookUrl)
  client.assertTrusted(href)
  if (!href.startsWith(bookUrl) || href === bookUrl) throw new QuireError('BAD_INPUT', { message: `${href} is not a card in the address book ${bookUrl}.` })
}
