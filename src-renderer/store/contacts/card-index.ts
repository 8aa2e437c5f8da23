import type { AccountId } from '../../../src-main/common/domain/account'
import type { ContactCard, StoredCard } from '../../../src-main/common/domain/contact'
import type { Bit, CardRow } from './contacts-database'

/** A card with nothing in it but `fields` (the renderer cannot use the zod schema's defaults: it imports only types). */
export function emptyCard(fields: Partial<ContactCard> = {}): ContactCard {
  return {
    version: '3.0',
    uid: '',
    kind: 'individual',
    groupStyle: null,
    formattedName: '',
    name: { prefix: '', given: '', middle: '', family: '', suffix: '' },
    phoneticName: { given: '', middle: '', family: '' },
    nicknames: [],
    emails: [],
    phones: [],
    addresses: [],
    urls: [],
    organization: '',
    department: '',
    title: '',
    birthday: null,
    anniversary: null,
    note: '',
    photo: null,
    members: [],
    ...fields,
  }
}

/** Lower case without diacritics: "Ångström" is found by typing "ang". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
}

/** The words of a text for prefix search. */
export function wordsOf(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
}

/** The name a card is shown under: FN, else the structured name, organisation, first email. */
export function displayName(card: ContactCard): string {
  if (card.formattedName.trim()) return card.formattedName.trim()
  const { prefix, given, middle, family, suffix } = card.name
  return [prefix, given, middle, family, suffix].filter(Boolean).join(' ') || card.organization || card.emails[0]?.value || card.phones[0]?.value || 'No name'
}

/** Family name first for people (how address books sort), the whole name for groups and organisations. */
export function sortKeyOf(card: ContactCard): string {
  const { family, given } = card.name
  const key = card.kind === 'individual' && (family || given) ? `${family} ${given}` : displayName(card)
  return fold(key).trim()
}

export function letterOf(sortKey: string): string {
  const first = sortKey.charAt(0).toUpperCase()
  return /^[A-Z]$/.test(first) ? first : '#'
}

export function bareUid(uid: string): string {
  return uid.replace(/^urn:uuid:/i, '').toLowerCase()
}

/** Every field a person might type to find a card: names (also phonetic), nicknames, organisation, addresses. */
export function searchWordsOf(card: ContactCard): string[] {
  const texts = [
    card.formattedName,
    ...Object.values(card.name),
    ...Object.values(card.phoneticName),
    ...card.nicknames,
    card.organization,
    card.department,
    card.title,
    ...card.emails.map((e) => e.value),
  ]
  const words = new Set(texts.flatMap(wordsOf))
  for (const email of card.emails) words.add(fold(email.value.trim()))
  return [...words]
}

/** A card row with its derived index fields. */
export function cardRow(
  accountId: AccountId,
  bookUrl: string,
  stored: Pick<StoredCard, 'href' | 'etag' | 'raw' | 'card'> | { href: string; etag: null; raw: null; card: ContactCard },
  flags: { pending?: Bit; conflicted?: Bit } = {},
): CardRow {
  const { card } = stored
  const sortKey = sortKeyOf(card)
  return {
    accountId,
    bookUrl,
    href: stored.href,
    etag: stored.etag,
    raw: stored.raw,
    card,
    kind: card.kind,
    sortKey,
    letter: letterOf(sortKey),
    words: searchWordsOf(card),
    emails: [...new Set(card.emails.map((e) => e.value.trim().toLowerCase()).filter(Boolean))],
    uidKey: bareUid(card.uid),
    pending: flags.pending ?? 0,
    conflicted: flags.conflicted ?? 0,
  }
}

/** The same row with another card (derived fields recomputed). */
export function withCard(row: CardRow, card: ContactCard, flags: { pending?: Bit; conflicted?: Bit } = {}): CardRow {
  return cardRow(row.accountId, row.bookUrl, { href: row.href, etag: row.etag, raw: row.raw, card } as StoredCard, {
    pending: flags.pending ?? row.pending,
    conflicted: flags.conflicted ?? row.conflicted,
  })
}

/** Whether every word typed is the start of some word of the card. */
export function matchesQuery(row: Pick<CardRow, 'words'>, query: string): boolean {
  const typed = wordsOf(query)
  const whole = fold(query.trim())
  if (typed.length === 0) return true
  if (whole.includes('@') && row.words.some((w) => w.startsWith(whole))) return true
  return typed.every((t) => row.words.some((w) => w.startsWith(t)))
}
