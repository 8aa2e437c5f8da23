import type { AccountId } from '../../src-main/common/domain/account'
import type { DirectoryEntry } from '../../src-main/common/domain/directory'
import { mainConnection } from '../shell/connection.svelte'
import type { ImportSummary } from '../store/contacts/contact-actions'
import type { CardKey } from '../store/contacts/contacts-database'
import { ContactsStore } from '../store/contacts/contacts-store'

let started: Promise<ContactsStore> | undefined

/**
 * The one contacts store of this window, started on first use: the contacts screen and every
 * recipient field share it (and its sync), whichever is opened first.
 */
export function contactsStore(): Promise<ContactsStore> {
  started ??= mainConnection.ready.then(async (client) => {
    const store = new ContactsStore(client)
    await store.start()
    return store
  })
  return started
}

/** Which address book the list shows: one, or every book of every account. */
export type BookFilter = { accountId: AccountId; url: string } | 'all'

/** What the right-hand pane shows. */
export type Pane =
  | { kind: 'none' }
  | { kind: 'card'; key: CardKey }
  | { kind: 'edit'; key: CardKey }
  | { kind: 'new'; group: boolean }
  | { kind: 'duplicates' }
  | { kind: 'directory'; entry: DirectoryEntry }
  | { kind: 'import'; summary: ImportSummary; bookName: string }

/** The contacts screen's state: which book, what is typed in search, what is open. */
class ContactsView {
  book = $state.raw<BookFilter>('all')
  query = $state('')
  pane = $state.raw<Pane>({ kind: 'none' })
  /** shows directory search settings */
  directoriesOpen = $state(false)

  open(pane: Pane) {
    this.pane = pane
  }
}

export const contactsView = new ContactsView()
