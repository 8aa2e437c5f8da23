import type { ContactCard, GroupStyle, PartialDate, PostalAddress, TypedValue, VCardVersion } from '../../common/domain/contact'
import { contentLines, escapeText, formatLine, rawParameters, type ContentLine } from './vcard-lines'
import { isAppleAnniversary, PHONETIC, readVCard, type ReadCard } from './vcard-read'

export interface WriteOptions {
  card: ContactCard
  /** the stored vCard the change was made to: lines whose value did not change are kept byte for byte */
  base?: string | undefined
  /** vCards merged into this one: their lines Quire does not read are added */
  absorb?: readonly string[]
  /** how the address book writes groups; decides the version of a new group */
  groupStyle?: GroupStyle | undefined
  now?: Date
}

/** Properties Quire reads; `absorb` carries over only the others. */
const KNOWN = new Set([
  'VERSION', 'UID', 'PRODID', 'REV', 'FN', 'N', 'NICKNAME', PHONETIC.given, PHONETIC.middle, PHONETIC.family, 'EMAIL', 'TEL', 'URL', 'ADR',
  'ORG', 'TITLE', 'NOTE', 'BDAY', 'ANNIVERSARY', 'X-ANNIVERSARY', 'X-EVOLUTION-ANNIVERSARY', 'PHOTO', 'KIND', 'X-ADDRESSBOOKSERVER-KIND',
  'MEMBER', 'X-ADDRESSBOOKSERVER-MEMBER',
])

/** Parameters Quire sets itself on a line it rewrites; any other parameter of the old line is kept. */
const OWN_PARAMETERS = new Set(['TYPE', 'PREF', 'VALUE', 'ENCODING', 'CHARSET', 'LABEL', 'X-APPLE-OMIT-YEAR'])

const PRODID = 'PRODID:-//Quire//Quire Contacts//EN'

/**
 * Writes a card as vCard text. With `base`, every line of it whose value the user did not
 * change is copied unchanged — unknown properties, their groups and parameters, X- extensions —
 * and a changed value keeps the group and the parameters Quire does not set. Without `base`, a
 * new card in `card.version` (a group in the address book's `groupStyle`).
 */
export function writeVCard(options: WriteOptions): string {
  const { card } = options
  const base = options.base ? readVCard(options.base, () => card.uid) : undefined
  const style = card.kind === 'group' ? (base?.card.groupStyle ?? card.groupStyle ?? options.groupStyle ?? (card.version === '4.0' ? 'vcard4' : 'apple')) : null
  const version: VCardVersion = base?.version ?? (style === 'vcard4' ? '4.0' : style === 'apple' ? '3.0' : card.version)
  const writer = new CardWriter(version, base)
  writer.write(card, style, options.now ?? new Date())
  for (const raw of options.absorb ?? []) writer.absorb(raw)
  return writer.text()
}

class CardWriter {
  /** one slot per base line: its text, a replacement, or null once removed */
  private readonly slots: (string | null)[]
  private readonly appended: string[] = []
  private readonly lines: ContentLine[]
  private readonly before: ContactCard | undefined
  private readonly labels: Map<string, string>

  constructor(
    private readonly version: VCardVersion,
    private readonly base: ReadCard | undefined,
  ) {
    this.lines = base?.lines ?? []
    this.slots = this.lines.map((line) => line.source)
    this.before = base?.card
    this.labels = new Map(this.lines.filter((l) => l.group && l.name === 'X-ABLABEL').map((l) => [l.group!.toLowerCase(), l.text.slice(l.text.indexOf(':') + 1)]))
  }

  private indices(names: readonly string[], where: (line: ContentLine) => boolean = () => true): number[] {
    return this.lines.flatMap((line, i) => (names.includes(line.name) && where(line) && this.slots[i] !== null ? [i] : []))
  }

  /** Puts `replacement` where the field's first line was (or at the end) and removes its other lines. */
  private replace(indices: number[], replacement: string[]): void {
    const [first, ...rest] = indices
    if (first === undefined) {
      this.appended.push(...replacement)
    } else {
      this.slots[first] = replacement.length ? replacement.join('\r\n') : null
      for (const i of rest) this.slots[i] = null
      if (!replacement.length) this.dropOrphanedGroup(first)
    }
  }

  /** The group and the parameters Quire does not set, taken from the line being rewritten. */
  private kept(index: number | undefined): { group: string | null; params: [string, string[]][] } {
    const line = index === undefined ? undefined : this.lines[index]
    if (!line) return { group: null, params: [] }
    return { group: line.group, params: [...rawParameters(line.text)].filter(([name]) => !OWN_PARAMETERS.has(name)) }
  }

  /** Apple's `itemN.X-ABLabel` means nothing once its `itemN.EMAIL` is gone. */
  private dropOrphanedGroup(index: number): void {
    const group = this.lines[index]?.group?.toLowerCase()
    if (!group) return
    const members = this.lines.flatMap((line, i) => (line.group?.toLowerCase() === group ? [i] : []))
    const remaining = members.filter((i) => this.slots[i] !== null && this.lines[i]!.name !== 'X-ABLABEL')
    if (remaining.length === 0) for (const i of members) this.slots[i] = null
  }

  write(card: ContactCard, style: GroupStyle | null, now: Date): void {
    const before = this.before
    const v4 = this.version === '4.0'
    const single = (names: readonly string[], changed: boolean, make: (keep: ReturnType<CardWriter['kept']>) => string[], where?: (line: ContentLine) => boolean) => {
      if (before && !changed) return
      const indices = this.indices(names, where)
      this.replace(indices, make(this.kept(indices[0])))
    }

    single(['UID'], !before || this.base?.uidMissing === true || before.uid !== card.uid, () => [formatLine('UID', null, [], card.uid)])
    if (card.kind !== 'individual' && (!before || before.kind !== card.kind)) {
      const kindName = style === 'apple' ? 'X-ADDRESSBOOKSERVER-KIND' : 'KIND'
      single(['KIND', 'X-ADDRESSBOOKSERVER-KIND'], true, (k) => [formatLine(kindName, k.group, k.params, card.kind)])
    }
    single(['FN'], before?.formattedName !== card.formattedName, (k) => [formatLine('FN', k.group, k.params, this.escape(card.formattedName))])
    const n = card.name
    const nameValue = [n.family, n.given, n.middle, n.prefix, n.suffix].map((part) => escapeText(part)).join(';')
    const nameChanged = !before || JSON.stringify(before.name) !== JSON.stringify(card.name)
    // vCard 3 requires N (RFC 2426 §3.1.2); vCard 4 only FN
    const wantsName = !v4 || Object.values(n).some(Boolean)
    single(['N'], nameChanged, (k) => (wantsName ? [formatLine('N', k.group, k.params, nameValue)] : []))
    // one line per nickname: a comma list is valid too, but some servers (Radicale's vobject) keep only its first value
    single(['NICKNAME'], JSON.stringify(before?.nicknames) !== JSON.stringify(card.nicknames), (k) =>
      card.nicknames.map((nick) => formatLine('NICKNAME', k.group, k.params, this.escape(nick))),
    )
    for (const part of ['given', 'middle', 'family'] as const) {
      const name = PHONETIC[part]
      single([name], before?.phoneticName[part] !== card.phoneticName[part], (k) =>
        card.phoneticName[part] ? [formatLine(name, k.group, k.params, this.escape(card.phoneticName[part]))] : [],
      )
    }
    const orgChanged = before?.organization !== card.organization || before.department !== card.department
    single(['ORG'], orgChanged, (k) =>
      card.organization || card.department
        ? [formatLine('ORG', k.group, k.params, [card.organization, ...(card.department ? [card.department] : [])].map((part) => escapeText(part)).join(';'))]
        : [],
    )
    single(['TITLE'], before?.title !== card.title, (k) => (card.title ? [formatLine('TITLE', k.group, k.params, this.escape(card.title))] : []))

    this.typed('EMAIL', before?.emails, card.emails)
    this.typed('TEL', before?.phones, card.phones)
    this.addresses(before?.addresses, card.addresses)
    this.typed('URL', before?.urls, card.urls)

    single(['BDAY'], before?.birthday !== card.birthday, (k) => (card.birthday ? [this.dateLine('BDAY', k, card.birthday)] : []))
    const anniversaryNames = ['ANNIVERSARY', 'X-ANNIVERSARY', 'X-EVOLUTION-ANNIVERSARY', 'X-ABDATE']
    const isAnniversary = (line: ContentLine) => line.name !== 'X-ABDATE' || isAppleAnniversary(line, this.labelMap())
    single(
      anniversaryNames,
      before?.anniversary !== card.anniversary,
      (k) => {
        if (!card.anniversary) return []
        const first = this.indices(anniversaryNames, isAnniversary)[0]
        const name = first !== undefined ? this.lines[first]!.name : v4 ? 'ANNIVERSARY' : 'X-ANNIVERSARY'
        return [this.dateLine(name, k, card.anniversary)]
      },
      isAnniversary,
    )
    single(['NOTE'], before?.note !== card.note, (k) => (card.note ? [formatLine('NOTE', k.group, k.params, this.escape(card.note))] : []))
    single(['PHOTO'], before?.photo !== card.photo, (k) => (card.photo ? [this.photoLine(k, card.photo)] : []))
    this.members(before?.members, card.members, style)

    const rev = v4 ? now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '') : now.toISOString().replace(/\.\d+/, '')
    this.replace(this.indices(['REV']), [`REV:${rev}`])
  }

  /** A single text value (vCard 4 does not escape the semicolon there). */
  private escape(value: string): string {
    return escapeText(value, this.version !== '4.0')
  }

  private labelMap(): Map<string, string> {
    // X-ABLabel values as read, for telling Apple's anniversary from its other dates
    return new Map([...this.labels].map(([group, value]) => [group, value.replace(/^_\$!<(.+)>!\$_$/, '$1')]))
  }

  /** EMAIL, TEL, URL: an entry keeps its line while unchanged; entries without one are added. */
  private typed(name: 'EMAIL' | 'TEL' | 'URL', before: readonly TypedValue[] | undefined, after: readonly TypedValue[]): void {
    const same = (a: TypedValue, b: TypedValue) => a.value === b.value && a.pref === b.pref && [...a.types].sort().join() === [...b.types].sort().join()
    const make = (entry: TypedValue, index: number | undefined) => {
      const k = this.kept(index)
      const value = name === 'URL' ? entry.value : this.escape(entry.value)
      return formatLine(name, k.group, [...this.typeParameters(entry.types, entry.pref), ...k.params], value)
    }
    this.listField(name, before ?? [], after, same, make)
  }

  private addresses(before: readonly PostalAddress[] | undefined, after: readonly PostalAddress[]): void {
    const parts = (a: PostalAddress) => [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country]
    const same = (a: PostalAddress, b: PostalAddress) =>
      parts(a).join('\u0000') === parts(b).join('\u0000') && a.pref === b.pref && [...a.types].sort().join() === [...b.types].sort().join()
    const make = (entry: PostalAddress, index: number | undefined) => {
      const k = this.kept(index)
      return formatLine('ADR', k.group, [...this.typeParameters(entry.types, entry.pref), ...k.params], parts(entry).map((part) => escapeText(part)).join(';'))
    }
    this.listField('ADR', before ?? [], after, same, make)
  }

  private listField<T extends { ref?: number | undefined }>(
    name: string,
    before: readonly T[],
    after: readonly T[],
    same: (a: T, b: T) => boolean,
    make: (entry: T, index: number | undefined) => string,
  ): void {
    const used = new Set<number>()
    for (const entry of after) {
      const ref = entry.ref
      const original = ref === undefined ? undefined : before.find((b) => b.ref === ref)
      if (ref !== undefined && original && this.lines[ref]?.name === name && !used.has(ref)) {
        used.add(ref)
        if (!same(original, entry)) this.slots[ref] = make(entry, ref)
      } else {
        this.appended.push(make(entry, undefined))
      }
    }
    for (const entry of before) {
      if (entry.ref !== undefined && !used.has(entry.ref) && this.lines[entry.ref]?.name === name) {
        this.slots[entry.ref] = null
        this.dropOrphanedGroup(entry.ref)
      }
    }
  }

  /** vCard 3: TYPE=…,pref; vCard 4: TYPE=… and PREF=1 (RFC 6350 §5.3). */
  private typeParameters(types: readonly string[], pref: boolean): [string, string[]][] {
    const clean = types.map((t) => t.toLowerCase()).filter((t) => t !== 'pref')
    if (this.version === '4.0') return [['TYPE', clean], ['PREF', pref ? ['1'] : []]]
    return [['TYPE', pref ? [...clean, 'pref'] : clean]]
  }

  private dateLine(name: string, k: ReturnType<CardWriter['kept']>, date: PartialDate): string {
    const noYear = date.startsWith('--')
    if (this.version === '4.0') return formatLine(name, k.group, k.params, date.replace(/-/g, '').replace(/^/, noYear ? '--' : ''))
    // vCard 3 has no date without a year; Apple's convention is a placeholder year it marks
    if (noYear) return formatLine(name, k.group, [...k.params, ['X-APPLE-OMIT-YEAR', ['1604']]], `1604${date.slice(1)}`)
    return formatLine(name, k.group, k.params, date)
  }

  private photoLine(k: ReturnType<CardWriter['kept']>, photo: string): string {
    const data = /^data:image\/([\w.+-]+);base64,(.*)$/s.exec(photo)
    if (this.version === '4.0') return formatLine('PHOTO', k.group, k.params, photo)
    if (data) return formatLine('PHOTO', k.group, [['ENCODING', ['b']], ['TYPE', [data[1]!.toUpperCase()]], ...k.params], data[2]!)
    return formatLine('PHOTO', k.group, [['VALUE', ['uri']], ...k.params], photo)
  }

  /** MEMBER lines are a set: keep those still listed, drop the others, add the new ones. */
  private members(before: readonly string[] | undefined, after: readonly string[], style: GroupStyle | null): void {
    if (before && JSON.stringify(before) === JSON.stringify(after)) return
    const names = ['MEMBER', 'X-ADDRESSBOOKSERVER-MEMBER']
    const wanted = new Set(after)
    const present = new Set<string>()
    for (const i of this.indices(names)) {
      const value = this.lines[i]!.text.slice(this.lines[i]!.text.indexOf(':') + 1).trim()
      if (wanted.has(value) && !present.has(value)) present.add(value)
      else this.slots[i] = null
    }
    const name = style === 'apple' ? 'X-ADDRESSBOOKSERVER-MEMBER' : 'MEMBER'
    for (const member of after) if (!present.has(member)) this.appended.push(formatLine(name, null, [], member))
  }

  /** Adds the lines of another vCard that Quire does not read (merging two contacts loses nothing). */
  absorb(raw: string): void {
    const lines = contentLines(raw)
    const present = new Set(this.currentLines())
    const groups = new Map<string, string>()
    const taken = new Set(this.lines.map((l) => l.group?.toLowerCase()).filter(Boolean))
    const fresh = (group: string) => {
      let mapped = groups.get(group.toLowerCase())
      if (!mapped) {
        let n = 1
        while (taken.has(`item${n}`)) n++
        mapped = `item${n}`
        taken.add(mapped)
        groups.set(group.toLowerCase(), mapped)
      }
      return mapped
    }
    // a group whose known line (say item2.EMAIL) is handled by Quire leaves only its label behind: skip those
    const knownGroups = new Set(lines.filter((l) => l.group && KNOWN.has(l.name)).map((l) => l.group!.toLowerCase()))
    for (const line of lines) {
      if (KNOWN.has(line.name)) continue
      if (line.group && knownGroups.has(line.group.toLowerCase())) continue
      const source = line.group ? line.source.replace(/^[^.]+\./, `${fresh(line.group)}.`) : line.source
      if (!present.has(source)) {
        this.appended.push(source)
        present.add(source)
      }
    }
  }

  private currentLines(): string[] {
    return [...this.slots.filter((s): s is string => s !== null), ...this.appended]
  }

  text(): string {
    const body = this.currentLines()
    const head: string[] = []
    if (!this.base) head.push(`VERSION:${this.version}`, PRODID)
    const lines = [...head, ...body]
    // VERSION must come first in vCard 4 (RFC 6350 §6.7.9) and most readers expect it there
    const versionAt = lines.findIndex((l) => /^VERSION:/i.test(l))
    if (versionAt > 0) lines.unshift(...lines.splice(versionAt, 1))
    return `BEGIN:VCARD\r\n${lines.join('\r\n')}\r\nEND:VCARD\r\n`
  }
}
