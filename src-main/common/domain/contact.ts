import { z } from 'zod'
import { AccountId } from './account'

/**
 * Where a value came from in the stored vCard: the index of its content line. Writing a card
 * back keeps a line whose value did not change byte for byte (with its group, e.g. Apple's
 * `item1.EMAIL` + `item1.X-ABLabel`, and parameters Quire does not know), and changes only
 * the lines the user changed. Absent on values the user added.
 */
const LineRef = z.number().int().nonnegative().optional()
const Types = z.array(z.string().trim().min(1).max(60)).max(10).default([])

/** An email address, phone number or URL with its RFC 6350 TYPE values (lower-case, without `pref`). */
export const TypedValue = z.object({
  value: z.string().max(2000),
  types: Types,
  /** PREF=1 (vCard 4) or TYPE=pref (vCard 3) */
  pref: z.boolean().default(false),
  /** a custom label (Apple's X-ABLabel), shown instead of the types */
  label: z.string().max(200).optional(),
  ref: LineRef,
})
export type TypedValue = z.infer<typeof TypedValue>

const Part = z.string().max(1000).default('')

/** RFC 6350 §6.3.1 ADR, one component per field. */
export const PostalAddress = z.object({
  poBox: Part,
  extended: Part,
  street: Part,
  locality: Part,
  region: Part,
  postalCode: Part,
  country: Part,
  types: Types,
  pref: z.boolean().default(false),
  label: z.string().max(200).optional(),
  ref: LineRef,
})
export type PostalAddress = z.infer<typeof PostalAddress>

/** RFC 6350 §6.2.2 N: family; given; additional; prefixes; suffixes. */
export const PersonName = z.object({ prefix: Part, given: Part, middle: Part, family: Part, suffix: Part })
export type PersonName = z.infer<typeof PersonName>

/** How a name is pronounced (X-PHONETIC-FIRST-NAME and friends, as Apple, Google and Android write them). */
export const PhoneticName = z.object({ given: Part, middle: Part, family: Part })
export type PhoneticName = z.infer<typeof PhoneticName>

/** A date with or without its year: `1980-05-04` or `--05-04` (RFC 6350 §4.3.1 reduced accuracy). */
export const PartialDate = z.string().regex(/^(\d{4}|-)-\d{2}-\d{2}$/, 'A date is YYYY-MM-DD, or --MM-DD without the year')
export type PartialDate = z.infer<typeof PartialDate>

/** RFC 6350 §6.1.4 KIND */
export const ContactKind = z.enum(['individual', 'group', 'org', 'location'])
export type ContactKind = z.infer<typeof ContactKind>

/**
 * How an address book says "this card is a group": vCard 4 `KIND:group` + `MEMBER`, or Apple's
 * vCard 3 `X-ADDRESSBOOKSERVER-KIND:group` + `X-ADDRESSBOOKSERVER-MEMBER` (iCloud, Cyrus, Nextcloud).
 */
export const GroupStyle = z.enum(['vcard4', 'apple'])
export type GroupStyle = z.infer<typeof GroupStyle>

export const VCardVersion = z.enum(['3.0', '4.0'])
export type VCardVersion = z.infer<typeof VCardVersion>

/** What Quire shows and edits of a vCard; everything else stays in the raw card beside it. */
export const ContactCard = z.object({
  version: VCardVersion,
  uid: z.string().min(1).max(500),
  kind: ContactKind.default('individual'),
  /** set on groups: which properties make it one */
  groupStyle: GroupStyle.nullable().default(null),
  formattedName: z.string().max(1000).default(''),
  name: PersonName.default({ prefix: '', given: '', middle: '', family: '', suffix: '' }),
  phoneticName: PhoneticName.default({ given: '', middle: '', family: '' }),
  nicknames: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  emails: z.array(TypedValue).max(100).default([]),
  phones: z.array(TypedValue).max(100).default([]),
  addresses: z.array(PostalAddress).max(20).default([]),
  urls: z.array(TypedValue).max(50).default([]),
  organization: z.string().max(500).default(''),
  department: z.string().max(500).default(''),
  title: z.string().max(500).default(''),
  birthday: PartialDate.nullable().default(null),
  anniversary: PartialDate.nullable().default(null),
  note: z.string().max(50_000).default(''),
  /** a data: URL (the image itself) or an http(s) URL */
  photo: z.string().max(4_000_000).nullable().default(null),
  /** group members: `urn:uuid:<UID>` of a card in the same address book, or `mailto:<address>` */
  members: z.array(z.string().min(1).max(2000)).max(10_000).default([]),
})
export type ContactCard = z.infer<typeof ContactCard>
export type ContactCardInput = z.input<typeof ContactCard>

/** One vCard as stored on the server: where, which version (ETag), its text and what Quire reads in it. */
export const StoredCard = z.object({
  href: z.string().max(4000),
  etag: z.string().max(500).nullable(),
  raw: z.string(),
  card: ContactCard,
})
export type StoredCard = z.infer<typeof StoredCard>

/** An address book collection (RFC 6352) of one DAV account. */
export const AddressBook = z.object({
  accountId: AccountId,
  url: z.string().max(4000),
  displayName: z.string(),
  description: z.string().default(''),
  /** RFC 6578 sync-collection REPORT is offered */
  supportsSync: z.boolean(),
  /** the server advertises vCard 4.0 in supported-address-data */
  supportsVCard4: z.boolean(),
  readOnly: z.boolean(),
})
export type AddressBook = z.infer<typeof AddressBook>

/** Where an address book's cache stands; stored with the cards it covers. */
export const AddressBookCursor = z.object({
  /** RFC 6578 sync token; null before the first sync or when the server has none */
  syncToken: z.string().nullable(),
  /** CalendarServer getctag: unchanged means nothing in the collection changed */
  ctag: z.string().nullable(),
})
export type AddressBookCursor = z.infer<typeof AddressBookCursor>

const Href = z.string().min(1).max(4000)

/** A change to one card, replayed on the server with If-Match / If-None-Match (RFC 7232). */
export const ContactTask = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('create'),
    bookUrl: Href,
    href: Href,
    card: ContactCard,
    /** an imported vCard to store as it is (its unknown properties kept); `card` is what Quire read in it */
    raw: z.string().max(8_000_000).optional(),
    /** how the address book writes groups (when `card` is one) */
    groupStyle: GroupStyle.optional(),
  }),
  z.object({
    kind: z.literal('update'),
    href: Href,
    /** the version the change was made to; the server refuses it (412) if its copy moved on */
    etag: z.string().max(500).nullable(),
    /** the stored vCard the change was made to: what Quire does not show is kept from it */
    baseRaw: z.string().max(8_000_000),
    card: ContactCard,
    /** vCards merged into this one: their properties Quire does not show are carried over */
    absorb: z.array(z.string().max(8_000_000)).max(20).default([]),
    /** overwrite whatever the server has (the user chose their version after a conflict) */
    force: z.boolean().default(false),
  }),
  z.object({ kind: z.literal('delete'), href: Href, etag: z.string().max(500).nullable(), force: z.boolean().default(false) }),
])
export type ContactTask = z.infer<typeof ContactTask>
export type ContactTaskInput = z.input<typeof ContactTask>

/** A vCard read from a .vcf file for import. */
export const ImportedCard = z.object({
  /** position in the file, from 1 */
  index: z.number().int().positive(),
  /** the version the file had (2.1 is converted to 3.0 in `raw`) */
  sourceVersion: z.enum(['2.1', '3.0', '4.0']),
  raw: z.string(),
  card: ContactCard,
})
export type ImportedCard = z.infer<typeof ImportedCard>

export const SkippedCard = z.object({
  index: z.number().int().positive(),
  /** what the card calls itself, if anything could be read */
  label: z.string(),
  reason: z.string(),
})
export type SkippedCard = z.infer<typeof SkippedCard>

/** One card's name and version, as a listing or sync-collection names it. */
export const CardVersion = z.object({ href: Href, etag: z.string().max(500) })
export type CardVersion = z.infer<typeof CardVersion>

/**
 * What changed in an address book since a cursor. `delta`: what sync-collection (RFC 6578)
 * reported; `full`: every card the server has (first sync, a CTag change, an expired token) —
 * anything cached that is not listed is gone; `unchanged`: nothing to do.
 */
export const AddressBookChanges = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unchanged'), cursor: AddressBookCursor }),
  z.object({ kind: z.literal('delta'), changed: z.array(CardVersion), removed: z.array(Href), cursor: AddressBookCursor }),
  z.object({ kind: z.literal('full'), items: z.array(CardVersion), cursor: AddressBookCursor }),
])
export type AddressBookChanges = z.infer<typeof AddressBookChanges>

/** `details` of a CONFLICT from `contacts.apply`: the server's version (null: deleted there). */
export const ContactConflict = z.object({ current: StoredCard.nullable() })
export type ContactConflict = z.infer<typeof ContactConflict>
