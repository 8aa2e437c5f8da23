import type { Entry } from 'ldapts'
import type { AccountId } from '../common/domain/account'
import type { DirectoryAttributes, DirectoryEntry } from '../common/domain/directory'

/** RFC 4515 §3: the characters a filter value must escape. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/**
 * Every word typed must start one of the search attributes (`(|(cn=ali*)(mail=ali*)…)` per
 * word, all words ANDed), within the people or the groups filter. An address (with @) is
 * matched whole against the email attribute as well.
 */
export function searchFilter(query: string, attributes: DirectoryAttributes, kind: 'person' | 'group'): string {
  const words = query.trim().split(/[\s,;]+/).filter(Boolean).slice(0, 6)
  const searchable = kind === 'group' ? [attributes.name, 'cn', attributes.email].filter(Boolean) : attributes.search
  const unique = [...new Set(searchable)]
  const perWord = words.map((word) => `(|${unique.map((a) => `(${a}=${escapeFilterValue(word)}*)`).join('')})`)
  const base = kind === 'group' ? attributes.groupFilter : attributes.personFilter
  return `(&${base}${perWord.join('')})`
}

/** Attributes asked for; binary ones come back as Buffers. */
export function requestedAttributes(attributes: DirectoryAttributes, full: boolean): { attributes: string[]; binary: string[] } {
  const text = [attributes.name, attributes.givenName, attributes.familyName, attributes.email, attributes.phone, attributes.mobile, attributes.title, attributes.organization, attributes.department]
  const binary = full ? [attributes.photo, attributes.certificate].filter(Boolean) : []
  return { attributes: [...new Set(['objectClass', 'cn', ...text, ...binary].filter(Boolean))], binary }
}

const GROUP_CLASSES = new Set(['groupofnames', 'groupofuniquenames', 'group', 'groupofurls'])

/** ldapts gives one value or several, as text or Buffer, under the name the server used. */
function valuesOf(entry: Entry, name: string): (string | Buffer)[] {
  if (!name) return []
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase())
  const value = key === undefined ? undefined : entry[key]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).filter((v) => (typeof v === 'string' ? v.trim() !== '' : v.length > 0))
}

const texts = (entry: Entry, name: string) => valuesOf(entry, name).map((v) => (typeof v === 'string' ? v : v.toString('utf8')).trim())
const first = (entry: Entry, name: string) => texts(entry, name)[0] ?? ''

/** Whether an entry is a group, by its object classes. */
export function isGroup(entry: Entry): boolean {
  return texts(entry, 'objectClass').some((c) => GROUP_CLASSES.has(c.toLowerCase()))
}

/** A group's member DNs; groupOfUniqueNames may suffix them with `#'…'B` (RFC 4517 §3.3.21). */
export function memberDns(entry: Entry, attributes: DirectoryAttributes): string[] {
  return [...texts(entry, attributes.member), ...texts(entry, 'uniqueMember').map((dn) => dn.replace(/#'[01]*'B$/, ''))]
}

/** An LDAP entry as Quire shows it, read through the attribute mapping. */
export function toDirectoryEntry(directoryId: AccountId, entry: Entry, attributes: DirectoryAttributes, kind?: 'person' | 'group'): DirectoryEntry {
  const group = kind ? kind === 'group' : isGroup(entry)
  const photo = valuesOf(entry, attributes.photo).find((v): v is Buffer => Buffer.isBuffer(v) && v.length < 512 * 1024)
  const certificates = valuesOf(entry, attributes.certificate).filter((v): v is Buffer => Buffer.isBuffer(v))
  const givenName = first(entry, attributes.givenName)
  const familyName = first(entry, attributes.familyName)
  const name = first(entry, attributes.name) || first(entry, 'cn') || [givenName, familyName].filter(Boolean).join(' ') || entry.dn
  return {
    directoryId,
    dn: entry.dn,
    kind: group ? 'group' : 'person',
    name,
    givenName,
    familyName,
    emails: [...new Set(texts(entry, attributes.email))],
    phones: [...new Set([...texts(entry, attributes.phone), ...texts(entry, attributes.mobile)])],
    title: first(entry, attributes.title),
    organization: first(entry, attributes.organization),
    department: first(entry, attributes.department),
    photo: photo ? `data:image/jpeg;base64,${photo.toString('base64')}` : null,
    certificates: certificates.map((c) => c.toString('base64')),
    memberCount: group ? memberDns(entry, attributes).length : null,
  }
}
