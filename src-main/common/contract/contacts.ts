import { z } from 'zod'
import { AccountId } from '../domain/account'
import { AddressBook, AddressBookChanges, AddressBookCursor, ContactCard, ContactTask, ImportedCard, SkippedCard, StoredCard } from '../domain/contact'
import { procedure } from './define'

const Url = z.string().url().max(4000)
/** a vCard may carry its photo inline */
const MAX_CARD_BYTES = 8 * 1024 * 1024
/** an exported or imported .vcf file of a whole address book */
const MAX_FILE_BYTES = 48 * 1024 * 1024

export const contactsContract = {
  /** The address books in the account's address book home (discovery runs first when needed). */
  'contacts.addressBooks': procedure({ input: z.object({ accountId: AccountId }).strict(), output: z.array(AddressBook) }),
  /** What changed in one address book since `cursor` (null: never synced); cards come through `contacts.fetch`. */
  'contacts.changes': procedure({
    input: z.object({ accountId: AccountId, bookUrl: Url, cursor: AddressBookCursor.nullable() }).strict(),
    output: AddressBookChanges,
  }),
  /** Up to 200 cards (addressbook-multiget), read; hrefs the server no longer has come back in `missing`. */
  'contacts.fetch': procedure({
    input: z.object({ accountId: AccountId, bookUrl: Url, hrefs: z.array(Url).min(1).max(200) }).strict(),
    output: z.object({ cards: z.array(StoredCard), missing: z.array(Url) }),
  }),
  /**
   * Replays one card change with If-Match / If-None-Match. Someone else's change in between is
   * CONFLICT with `details: ContactConflict` (the server's version), never an overwrite. Answers
   * the card as the server now stores it (null after a delete).
   */
  'contacts.apply': procedure({
    input: z.object({ accountId: AccountId, task: ContactTask }).strict(),
    output: z.object({ stored: StoredCard.nullable() }),
    maxInputBytes: 3 * MAX_CARD_BYTES,
  }),
  /** Reads a .vcf file (vCard 2.1, 3.0 and 4.0, one card or many) for import; what cannot be used is listed with why. */
  'contacts.readVcf': procedure({
    input: z.object({ text: z.string().max(MAX_FILE_BYTES) }).strict(),
    output: z.object({ cards: z.array(ImportedCard), skipped: z.array(SkippedCard) }),
    maxInputBytes: MAX_FILE_BYTES + 1024,
  }),
  /** Writes cards as one .vcf text: each from its stored vCard (`baseRaw`, unknown properties kept) with the card's values. */
  'contacts.writeVcf': procedure({
    input: z.object({ cards: z.array(z.object({ card: ContactCard, baseRaw: z.string().max(MAX_CARD_BYTES).optional() })).max(20_000) }).strict(),
    output: z.object({ text: z.string() }),
    maxInputBytes: MAX_FILE_BYTES,
  }),
}
