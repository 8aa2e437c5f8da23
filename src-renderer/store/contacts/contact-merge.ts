import type { ContactCard, PostalAddress, TypedValue } from '../../../src-main/common/domain/contact'
import { displayName, fold } from './card-index'
import type { CardRow } from './contacts-database'

const digits = (phone: string) => phone.replace(/[^\d+]/g, '').replace(/^00/, '+')
const emailKey = (value: string) => value.trim().toLowerCase()
const addressKey = (a: PostalAddress) => fold([a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].join('|')).replace(/\s+/g, ' ')

/** Adds what `extra` has that `base` lacks (by key); the base's entries keep their line refs, added ones have none. */
function union<T extends { ref?: number | undefined }>(base: readonly T[], extra: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set(base.map(key))
  const added = extra.filter((item) => {
    const k = key(item)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
  return [...base, ...added.map(({ ref: _ref, ...item }) => item as T)]
}

/**
 * Merges duplicates into `primary`, keeping every value: lists (emails, phones, addresses, URLs,
 * nicknames, members) are united; where both have a different single value (title, birthday …)
 * the primary's stays and the other's is written into the note, so nothing is lost.
 */
export function mergeCards(primary: ContactCard, others: readonly ContactCard[]): ContactCard {
  let merged: ContactCard = structuredClone(primary)
  const notes: string[] = primary.note.trim() ? [primary.note.trim()] : []
  for (const other of others) {
    const alsoKnown: string[] = []
    const single = <K extends 'organization' | 'department' | 'title' | 'birthday' | 'anniversary' | 'photo'>(field: K, label: string) => {
      const mine = merged[field]
      const theirs = other[field]
      if (!theirs) return
      if (!mine) merged = { ...merged, [field]: theirs }
      else if (fold(String(mine)) !== fold(String(theirs)) && field !== 'photo') alsoKnown.push(`${label}: ${theirs}`)
    }
    single('organization', 'Organization')
    single('department', 'Department')
    single('title', 'Title')
    single('birthday', 'Birthday')
    single('anniversary', 'Anniversary')
    single('photo', 'Photo')
    const theirName = displayName(other)
    if (!merged.formattedName.trim()) merged.formattedName = other.formattedName
    else if (fold(theirName) !== fold(displayName(merged))) alsoKnown.push(`Name: ${theirName}`)
    if (!Object.values(merged.name).some(Boolean)) merged.name = { ...other.name }
    merged.phoneticName = {
      given: merged.phoneticName.given || other.phoneticName.given,
      middle: merged.phoneticName.middle || other.phoneticName.middle,
      family: merged.phoneticName.family || other.phoneticName.family,
    }
    merged.nicknames = [...new Set([...merged.nicknames, ...other.nicknames])]
    merged.emails = union<TypedValue>(merged.emails, other.emails, (e) => emailKey(e.value))
    merged.phones = union<TypedValue>(merged.phones, other.phones, (p) => digits(p.value))
    merged.urls = union<TypedValue>(merged.urls, other.urls, (u) => u.value.trim())
    merged.addresses = union<PostalAddress>(merged.addresses, other.addresses, addressKey)
    merged.members = [...new Set([...merged.members, ...other.members])]
    if (other.note.trim() && !notes.includes(other.note.trim())) notes.push(other.note.trim())
    if (alsoKnown.length) notes.push(`Merged from “${theirName}”:\n${alsoKnown.join('\n')}`)
  }
  merged.note = notes.join('\n\n')
  return merged
}

/**
 * Cards in the same address book that look like one person: they share an email address, or
 * their names are the same once case and accents are ignored. Groups of two or more, the most
 * complete card first (it becomes the one the others merge into).
 */
export function findDuplicates(rows: readonly CardRow[]): CardRow[][] {
  const people = rows.filter((r) => r.kind === 'individual')
  const parent = people.map((_, i) => i)
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)))
  const join = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)]
    if (ra !== rb) parent[rb] = ra
  }
  const firstByKey = new Map<string, number>()
  people.forEach((row, i) => {
    const name = fold(displayName(row.card)).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()
    const keys = [...row.emails.map((e) => `email:${row.bookUrl}:${e}`), ...(name.length > 2 && name !== 'no name' ? [`name:${row.bookUrl}:${name}`] : [])]
    for (const key of keys) {
      const seen = firstByKey.get(key)
      if (seen === undefined) firstByKey.set(key, i)
      else join(seen, i)
    }
  })
  const groups = new Map<number, CardRow[]>()
  people.forEach((row, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), row]))
  const filled = (card: ContactCard) =>
    [card.emails.length, card.phones.length, card.addresses.length, card.urls.length, card.organization, card.title, card.birthday, card.note, card.photo].filter(
      (v) => (typeof v === 'number' ? v > 0 : Boolean(v)),
    ).length
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort((a, b) => filled(b.card) - filled(a.card)))
}
