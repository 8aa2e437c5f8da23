import type { ErrorShape } from '../../../src-main/common/contract'
import type { DirectoryEntry } from '../../../src-main/common/domain/directory'
import type { Client } from '../../rpc/client'
import { bareUid, displayName, fold, matchesQuery, wordsOf } from './card-index'
import type { CardRow, ContactsDatabase } from './contacts-database'
import { readSeenAddresses, type SeenAddress } from './seen-addresses'

/** Someone a message goes to. */
export interface Recipient {
  name: string
  email: string
}

export type Suggestion =
  | { kind: 'contact'; id: string; name: string; email: string; detail: string; photo: string | null; score: number }
  | { kind: 'group'; id: string; name: string; detail: string; score: number; row: CardRow }
  | { kind: 'seen'; id: string; name: string; email: string; detail: string; score: number }
  | { kind: 'directory'; id: string; name: string; email: string; detail: string; score: number; entry: DirectoryEntry }
  | { kind: 'directory-group'; id: string; name: string; detail: string; score: number; entry: DirectoryEntry }

export interface SuggestionState {
  query: string
  suggestions: Suggestion[]
  /** local contacts, groups and seen addresses have been looked up (they usually answer first) */
  localDone: boolean
  /** the directory part: not asked (fewer than 2 characters or no directory), on its way, answered */
  directory: 'none' | 'searching' | 'done'
  /** directories that failed or did not answer in time; the rest of the list is still shown */
  failures: { name: string; error: ErrorShape }[]
}

export interface SuggestionOptions {
  /** the directory is searched only from this many characters on */
  directoryMinChars?: number
  /** typing pauses this long before the directory is asked */
  debounceMs?: number
  limit?: number
  /** where addresses seen in mail come from (tests give their own) */
  seen?: () => Promise<SeenAddress[]>
}

/** How sure a match is: the whole address, the start of the name, the start of some word. */
function matchScore(query: string, name: string, email: string): number {
  const q = fold(query.trim())
  if (!q) return 0
  if (email.toLowerCase() === q) return 100
  if (fold(name).startsWith(q)) return 60
  if (email.toLowerCase().startsWith(q)) return 50
  return 30
}

const SOURCE = { contact: 40, group: 35, seen: 20, directory: 10 } as const
const SEEN_TTL_MS = 5 * 60_000

/**
 * Autocomplete for recipient fields: local contacts and groups and addresses seen in mail answer at
 * once; the directories (after two characters) join when they answer, within their time-out, and
 * never hold the rest back. Results are merged (one row per address, the best source kept) and
 * ranked by how well they match and where they come from.
 */
export class RecipientSuggestions {
  private seenCache: { at: number; list: Promise<SeenAddress[]> } | undefined
  private readonly minChars: number
  private readonly debounceMs: number
  private readonly limit: number

  constructor(
    private readonly db: ContactsDatabase,
    private readonly client: Client,
    private readonly hasDirectories: () => boolean,
    private readonly options: SuggestionOptions = {},
  ) {
    this.minChars = options.directoryMinChars ?? 2
    this.debounceMs = options.debounceMs ?? 150
    this.limit = options.limit ?? 12
  }

  /** Starts looking `query` up; `update` is called with the local results, then again with the directory's. Returns what cancels it. */
  lookup(query: string, update: (state: SuggestionState) => void): () => void {
    const controller = new AbortController()
    const text = query.trim()
    let local: Suggestion[] = []
    let localDone = false
    let directory: Suggestion[] = []
    let state: SuggestionState['directory'] = text.length >= this.minChars && this.hasDirectories() ? 'searching' : 'none'
    let failures: SuggestionState['failures'] = []
    const publish = () => {
      if (!controller.signal.aborted) update({ query, suggestions: this.merge(local, directory), localDone, directory: state, failures })
    }
    if (!text) {
      localDone = true
      publish()
      return () => controller.abort()
    }
    void this.local(text).then((found) => {
      local = found
      localDone = true
      publish()
    })
    if (state === 'searching') {
      const timer = setTimeout(() => {
        this.client
          .call('directory.search', { query: text, limit: this.limit }, { signal: controller.signal })
          .then((answer) => {
            directory = answer.entries.flatMap((entry) => directorySuggestions(text, entry))
            failures = answer.failures.map((f) => ({ name: f.name, error: f.error as ErrorShape }))
          })
          .catch((error: unknown) => {
            failures = [{ name: 'Directory', error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), retryable: true } }]
          })
          .finally(() => {
            state = 'done'
            publish()
          })
      }, this.debounceMs)
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
    }
    return () => controller.abort()
  }

  /** The people a group stands for: members found in its address book (their preferred address) and mailto: members. */
  async expandGroup(group: CardRow): Promise<Recipient[]> {
    const recipients: Recipient[] = []
    for (const member of group.card.members) {
      if (/^mailto:/i.test(member)) {
        recipients.push({ name: '', email: decodeURIComponent(member.replace(/^mailto:/i, '')) })
        continue
      }
      const row = await this.db.cards.where('[accountId+uidKey]').equals([group.accountId, bareUid(member)]).first()
      if (!row) continue
      if (row.kind === 'group') {
        recipients.push(...(await this.expandGroup(row)))
        continue
      }
      const email = preferredEmail(row)
      if (email) recipients.push({ name: displayName(row.card), email })
    }
    const seen = new Set<string>()
    return recipients.filter((r) => !seen.has(r.email.toLowerCase()) && seen.add(r.email.toLowerCase()))
  }

  /** A directory group's members, each with their first address. */
  async expandDirectoryGroup(entry: DirectoryEntry): Promise<Recipient[]> {
    const { members } = await this.client.call('directory.expand', { directoryId: entry.directoryId, dn: entry.dn })
    return members.flatMap((m) => (m.emails[0] ? [{ name: m.name, email: m.emails[0] }] : []))
  }

  private async local(text: string): Promise<Suggestion[]> {
    const [first] = wordsOf(text)
    const whole = fold(text)
    const rows = first
      ? await this.db.cards
          .where('words')
          .startsWith(whole.includes('@') ? whole : first)
          .distinct()
          .limit(400)
          .toArray()
      : []
    const suggestions: Suggestion[] = []
    for (const row of rows) {
      if (!matchesQuery(row, text)) continue
      const name = displayName(row.card)
      if (row.kind === 'group') {
        const count = row.card.members.length
        suggestions.push({ kind: 'group', id: `group:${row.accountId}:${row.href}`, name, detail: `Group · ${count} ${count === 1 ? 'member' : 'members'}`, score: SOURCE.group + matchScore(text, name, ''), row })
        continue
      }
      for (const email of row.card.emails) {
        suggestions.push({
          kind: 'contact',
          id: `contact:${row.accountId}:${row.href}:${email.value}`,
          name,
          email: email.value,
          detail: [email.label ?? email.types[0], row.card.organization].filter(Boolean).join(' · '),
          photo: row.card.photo,
          score: SOURCE.contact + matchScore(text, name, email.value) + (email.pref ? 2 : 0),
        })
      }
    }
    for (const seen of await this.seen()) {
      if (!matchesQuery({ words: [...wordsOf(seen.name), ...wordsOf(seen.email), seen.email] }, text)) continue
      suggestions.push({
        kind: 'seen',
        id: `seen:${seen.email}`,
        name: seen.name,
        email: seen.email,
        detail: `In ${seen.count} ${seen.count === 1 ? 'message' : 'messages'}`,
        score: SOURCE.seen + matchScore(text, seen.name, seen.email) + Math.min(9, Math.log2(seen.count + 1) * 2),
      })
    }
    return suggestions
  }

  private seen(): Promise<SeenAddress[]> {
    if (!this.seenCache || Date.now() - this.seenCache.at > SEEN_TTL_MS) {
      this.seenCache = { at: Date.now(), list: (this.options.seen ?? (() => readSeenAddresses()))() }
    }
    return this.seenCache.list
  }

  /** One row per address (groups by their id), the best-scored source kept; best first. */
  private merge(local: Suggestion[], directory: Suggestion[]): Suggestion[] {
    const byKey = new Map<string, Suggestion>()
    for (const s of [...local, ...directory]) {
      const key = 'email' in s ? s.email.toLowerCase() : s.id
      const before = byKey.get(key)
      if (!before || s.score > before.score) byKey.set(key, before && !s.name && 'email' in s ? { ...s, name: before.name } : s)
    }
    return [...byKey.values()].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, this.limit)
  }
}

function directorySuggestions(query: string, entry: DirectoryEntry): Suggestion[] {
  const place = [entry.title, entry.department || entry.organization].filter(Boolean).join(' · ')
  if (entry.kind === 'group') {
    return [
      {
        kind: 'directory-group',
        id: `dirgroup:${entry.directoryId}:${entry.dn}`,
        name: entry.name,
        detail: `Directory group${entry.memberCount !== null ? ` · ${entry.memberCount} members` : ''}`,
        score: SOURCE.directory + matchScore(query, entry.name, ''),
        entry,
      },
    ]
  }
  return entry.emails.map((email) => ({
    kind: 'directory' as const,
    id: `dir:${entry.directoryId}:${entry.dn}:${email}`,
    name: entry.name,
    email,
    detail: place ? `Directory · ${place}` : 'Directory',
    score: SOURCE.directory + matchScore(query, entry.name, email),
    entry,
  }))
}

/** The address a card prefers (PREF / TYPE=pref), else its first. */
export function preferredEmail(row: Pick<CardRow, 'card'>): string | undefined {
  return (row.card.emails.find((e) => e.pref) ?? row.card.emails[0])?.value
}

/** `Name <address>` as typed, or a bare address; undefined when it is not an address. */
export function parseAddress(text: string): Recipient | undefined {
  const trimmed = text.trim().replace(/[,;]+$/, '')
  const angle = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(trimmed)
  if (angle) return { name: angle[1]!.replace(/^"|"$/g, '').trim(), email: angle[2]! }
  if (/^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/.test(trimmed)) return { name: '', email: trimmed }
  return undefined
}

