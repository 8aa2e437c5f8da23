import type { ImportSummary } from '../store/contacts/contact-actions'
import type { AddressBookRow, CardRow } from '../store/contacts/contacts-database'
import type { ContactsStore } from '../store/contacts/contacts-store'

/**
 * Imports a .vcf file (one card or many; vCard 2.1, 3.0, 4.0) into an address book: main reads it,
 * the store adds each card as a task. The summary counts what was imported and lists each card
 * skipped with the reason.
 */
export async function importVcf(store: ContactsStore, file: File, book: AddressBookRow): Promise<ImportSummary> {
  const text = await file.text()
  const { cards, skipped } = await store.client.call('contacts.readVcf', { text })
  return store.actions.import(book.accountId, book.url, cards, skipped)
}

/**
 * Saves the address book (or every card) as one .vcf file: each card exactly as the server stores
 * it, or — for a card with a change not yet stored — written from the card on its stored vCard.
 */
export async function exportVcf(store: ContactsStore, book: AddressBookRow | undefined): Promise<void> {
  const rows: CardRow[] = book ? await store.db.cards.where('[accountId+bookUrl]').equals([book.accountId, book.url]).sortBy('sortKey') : await store.db.cards.orderBy('sortKey').toArray()
  const unsaved = rows.filter((r) => r.pending || !r.raw)
  const written = unsaved.length
    ? (await store.client.call('contacts.writeVcf', { cards: unsaved.map((r) => ({ card: r.card, ...(r.raw ? { baseRaw: r.raw } : {}) })) })).text
    : ''
  const text = rows.filter((r) => !r.pending && r.raw).map((r) => (r.raw!.endsWith('\n') ? r.raw! : `${r.raw}\r\n`)).join('') + written
  const url = URL.createObjectURL(new Blob([text], { type: 'text/vcard;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = `${(book?.displayName ?? 'contacts').replace(/[^\p{L}\p{N} ._-]+/gu, '_')}.vcf`
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
