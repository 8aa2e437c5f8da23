import ICAL from 'ical.js'
import { ContactCard, type ContactKind, type GroupStyle, type PartialDate, type PostalAddress, type TypedValue, type VCardVersion } from '../../common/domain/contact'
import { contentLines, rawParameters, rawValue, splitEscaped, unescapeText, type ContentLine } from './vcard-lines'

type Params = Record<string, string | string[]>
/** A content line decoded by ical.js: name, parameters, value type, values. */
export interface DecodedLine {
  params: Params
  values: unknown[]
}

/** A vCard as lines (for writing back) and as what Quire shows (for the UI). */
export interface ReadCard {
  version: VCardVersion
  lines: ContentLine[]
  card: ContactCard
  /** the card had no UID (one was made up; writing the card adds it) */
  uidMissing: boolean
}

/** Properties Quire reads and writes; every other line is kept as it is. */
export const PHONETIC = { given: 'X-PHONETIC-FIRST-NAME', middle: 'X-PHONETIC-MIDDLE-NAME', family: 'X-PHONETIC-LAST-NAME' } as const

/** ical.js's design set for the version: vCard 3 and 4 differ in value types (RFC 6350 Appendix A). */
export function designFor(version: VCardVersion) {
  return version === '4.0' ? ICAL.design.vcard : ICAL.design.vcard3
}

/**
 * Decodes one line with ical.js. A line it cannot read (say a vCard 2.1 style bare parameter,
 * `TEL;WORK:…`, in a 3.0 card) is tried once more with those parameters spelled as TYPE=; if it
 * still fails the line is only kept, not shown.
 */
export function decodeLine(line: ContentLine, version: VCardVersion): DecodedLine | undefined {
  const design = designFor(version)
  for (const text of [line.text, withTypedParameters(line)]) {
    try {
      const [, params, , ...values] = ICAL.parse.property(text, design) as [string, Params, string, ...unknown[]]
      return { params, values }
    } catch {
      // next attempt
    }
  }
  return undefined
}

function withTypedParameters(line: ContentLine): string {
  const params = rawParameters(line.text)
  const head = (line.group ? `${line.group}.` : '') + line.name
  const written = [...params].map(([name, values]) => `;${name}=${values.map((v) => (/[;:,]/.test(v) ? `"${v}"` : v)).join(',')}`).join('')
  return `${head}${written}:${rawValue(line.text)}`
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const text = (value: unknown): string => (Array.isArray(value) ? value.map(text).join(' ') : value == null ? '' : String(value))

/** TYPE values in lower case; `pref` becomes a flag, and `internet`/`x400` (mail system names) say nothing to a person. */
function typesOf(params: Params): { types: string[]; pref: boolean } {
  const raw = list(params.type).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean)
  const prefParam = list(params.pref)[0]
  const pref = raw.includes('pref') || (prefParam !== undefined && Number(prefParam) === 1)
  const types = [...new Set(raw.filter((t) => !['pref', 'internet', 'x400'].includes(t)))]
  return { types, pref }
}

/** Apple's `_$!<Mobile>!$_` labels name a standard type; anything else is the user's own label. */
function appleLabel(value: string): string {
  const standard = /^_\$!<(.+)>!\$_$/.exec(value)
  return (standard ? standard[1]! : value).trim()
}

/** A date in any of the forms vCard 3 and 4 writers use, reduced to YYYY-MM-DD or --MM-DD. */
export function readDate(line: ContentLine): PartialDate | null {
  const value = rawValue(line.text).trim()
  const params = rawParameters(line.text)
  let match = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(value)
  if (match) {
    const omitYear = params.get('X-APPLE-OMIT-YEAR')?.[0]
    if (omitYear && omitYear === match[1]) return `--${match[2]}-${match[3]}`
    return `${match[1]}-${match[2]}-${match[3]}`
  }
  match = /^--(\d{2})-?(\d{2})$/.exec(value)
  if (match) return `--${match[1]}-${match[2]}`
  return null
}

function photoOf(line: ContentLine, decoded: DecodedLine, version: VCardVersion): string | null {
  const value = rawValue(line.text).trim()
  const params = rawParameters(line.text)
  const encoding = params.get('ENCODING')?.[0]?.toLowerCase()
  if (encoding === 'b' || encoding === 'base64') {
    const type = (params.get('TYPE')?.[0] ?? 'jpeg').toLowerCase().replace(/^image\//, '')
    return `data:image/${type};base64,${value.replace(/\s+/g, '')}`
  }
  if (/^(data:|https?:)/i.test(value)) return value
  if (version === '4.0') return text(decoded.values[0]) || null
  return null
}

/** `group` labels: Apple writes `item1.EMAIL` next to `item1.X-ABLabel:_$!<Other>!$_`. */
function labelsByGroup(lines: ContentLine[]): Map<string, string> {
  const labels = new Map<string, string>()
  for (const line of lines) {
    if (line.group && line.name === 'X-ABLABEL') labels.set(line.group.toLowerCase(), appleLabel(unescapeText(rawValue(line.text))))
  }
  return labels
}

/** The card's version as written; 2.1 must have been converted before (see vcard-21.ts). */
export function versionOf(lines: ContentLine[]): string | undefined {
  const line = lines.find((l) => l.name === 'VERSION')
  return line ? rawValue(line.text).trim() : undefined
}

/** Whether a line is Apple's anniversary date (`itemN.X-ABDATE` labelled `_$!<Anniversary>!$_`). */
export function isAppleAnniversary(line: ContentLine, labels: Map<string, string>): boolean {
  return line.name === 'X-ABDATE' && line.group !== null && labels.get(line.group.toLowerCase())?.toLowerCase() === 'anniversary'
}

/**
 * Reads what Quire shows from a vCard 3.0 or 4.0. Never throws on content: a line it cannot
 * read is kept unread. `fallbackUid` names a card without UID (e.g. from its href).
 */
export function readVCard(cardText: string, fallbackUid: () => string): ReadCard {
  const lines = contentLines(cardText)
  const version: VCardVersion = versionOf(lines) === '4.0' ? '4.0' : '3.0'
  const labels = labelsByGroup(lines)
  // the schema's defaults: an empty card of this version (the UID is read below)
  const card: ContactCard = { ...ContactCard.parse({ version, uid: '-' }), uid: '' }
  let kindStyle: GroupStyle | null = null

  lines.forEach((line, ref) => {
    const decoded = decodeLine(line, version)
    if (!decoded) return
    // single text values are unescaped here: ical.js leaves vCard 3's `\;` (RFC 2426 §4) escaped
    const first = unescapeText(rawValue(line.text))
    const label = line.group ? labels.get(line.group.toLowerCase()) : undefined
    const typed = (value: string): TypedValue => ({ value, ...typesOf(decoded.params), ...(label ? { label } : {}), ref })
    switch (line.name) {
      case 'FN':
        if (!card.formattedName) card.formattedName = first.trim()
        break
      case 'N': {
        const parts = Array.isArray(decoded.values[0]) ? (decoded.values[0] as unknown[]) : [decoded.values[0]]
        const [family, given, middle, prefix, suffix] = parts.map((p) => text(p).trim())
        card.name = { family: family ?? '', given: given ?? '', middle: middle ?? '', prefix: prefix ?? '', suffix: suffix ?? '' }
        break
      }
      case 'NICKNAME':
        card.nicknames.push(...splitEscaped(rawValue(line.text), ',').map((n) => unescapeText(n).trim()).filter(Boolean))
        break
      case PHONETIC.given:
      case PHONETIC.middle:
      case PHONETIC.family: {
        const key = line.name === PHONETIC.given ? 'given' : line.name === PHONETIC.middle ? 'middle' : 'family'
        card.phoneticName[key] = first.trim()
        break
      }
      case 'EMAIL':
        if (first.trim()) card.emails.push(typed(first.trim()))
        break
      case 'TEL': {
        const value = first.trim().replace(/^tel:/i, '')
        if (value) card.phones.push(typed(value))
        break
      }
      case 'URL':
        if (first.trim()) card.urls.push(typed(first.trim()))
        break
      case 'ADR': {
        const parts = (Array.isArray(decoded.values[0]) ? (decoded.values[0] as unknown[]) : [decoded.values[0]]).map((p) => text(p).trim())
        const [poBox = '', extended = '', street = '', locality = '', region = '', postalCode = '', country = ''] = parts
        const { types, pref } = typesOf(decoded.params)
        const address: PostalAddress = { poBox, extended, street, locality, region, postalCode, country, types, pref, ...(label ? { label } : {}), ref }
        card.addresses.push(address)
        break
      }
      case 'ORG': {
        const parts = (Array.isArray(decoded.values[0]) ? (decoded.values[0] as unknown[]) : [decoded.values[0]]).map((p) => text(p).trim())
        card.organization = parts[0] ?? ''
        card.department = parts.slice(1).filter(Boolean).join(', ')
        break
      }
      case 'TITLE':
        if (!card.title) card.title = first.trim()
        break
      case 'NOTE':
        card.note = card.note ? `${card.note}\n\n${first}` : first
        break
      case 'BDAY':
        card.birthday ??= readDate(line)
        break
      case 'ANNIVERSARY':
      case 'X-ANNIVERSARY':
      case 'X-EVOLUTION-ANNIVERSARY':
        card.anniversary ??= readDate(line)
        break
      case 'X-ABDATE':
        if (isAppleAnniversary(line, labels)) card.anniversary ??= readDate(line)
        break
      case 'PHOTO':
        card.photo ??= photoOf(line, decoded, version)
        break
      case 'UID':
        card.uid = first.trim()
        break
      case 'KIND':
        card.kind = kindOf(first)
        if (card.kind === 'group') kindStyle = 'vcard4'
        break
      case 'X-ADDRESSBOOKSERVER-KIND':
        card.kind = kindOf(first)
        if (card.kind === 'group') kindStyle = 'apple'
        break
      case 'MEMBER':
      case 'X-ADDRESSBOOKSERVER-MEMBER':
        if (first.trim()) card.members.push(first.trim())
        break
    }
  })

  card.groupStyle = card.kind === 'group' ? kindStyle : null
  const uidMissing = !card.uid
  if (uidMissing) card.uid = fallbackUid()
  if (!card.formattedName) card.formattedName = displayNameOf(card)
  return { version, lines, card, uidMissing }
}

function kindOf(value: string): ContactKind {
  const kind = value.trim().toLowerCase()
  return kind === 'group' || kind === 'org' || kind === 'location' ? kind : 'individual'
}

/** FN when a card has none: the structured name, else the organisation, else an address. */
export function displayNameOf(card: Pick<ContactCard, 'name' | 'organization' | 'emails' | 'phones' | 'nicknames'>): string {
  const { prefix, given, middle, family, suffix } = card.name
  const fromName = [prefix, given, middle, family, suffix].filter(Boolean).join(' ')
  return fromName || card.organization || card.nicknames[0] || card.emails[0]?.value || card.phones[0]?.value || ''
}

/** `urn:uuid:X` and `X` name the same card (vCard 4 UIDs are often URNs, Apple's MEMBER always is). */
export function sameUid(a: string, b: string): boolean {
  const bare = (s: string) => s.replace(/^urn:uuid:/i, '').toLowerCase()
  return bare(a) === bare(b)
}
