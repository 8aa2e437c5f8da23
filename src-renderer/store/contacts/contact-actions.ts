import type { AccountId } from '../../../src-main/common/domain/account'
import type { ContactCard, GroupStyle, ImportedCard } from '../../../src-main/common/domain/contact'
import { bareUid, cardRow, displayName, emptyCard, withCard } from './card-index'
import { mergeCards } from './contact-merge'
import type { ContactChange, ContactTasks } from './contact-tasks'
import type { CardRow, ConflictRow, ContactsDatabase } from './contacts-database'

/** A new UID (RFC 4122 v4); crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newUid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The resource name of a new card: its UID when that is URL-safe, else a fresh one. */
export function hrefFor(bookUrl: string, uid: string): string {
  const bare = uid.replace(/^urn:uuid:/i, '')
  const name = /^[A-Za-z0-9._@-]{1,200}$/.test(bare) ? bare : newUid()
  return `${bookUrl}${encodeURIComponent(name)}.vcf`
}

/**
 * How an address book writes groups: as its existing groups do; with none, vCard 4 `KIND:group`
 * only when every card in it is vCard 4, else Apple's style, which vCard 3 servers and clients
 * (iCloud, Cyrus, Nextcloud, most phones) understand.
 */
export async function groupStyleOf(db: ContactsDatabase, accountId: AccountId, bookUrl: string): Promise<GroupStyle> {
  const rows = await db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()
  const styles = rows.flatMap((r) => (r.kind === 'group' && r.card.groupStyle ? [r.card.groupStyle] : []))
  if (styles.length) {
    const apple = styles.filter((s) => s === 'apple').length
    return apple * 2 >= styles.length ? 'apple' : 'vcard4'
  }
  const stored = rows.filter((r) => r.raw !== null)
  return stored.length > 0 && stored.every((r) => r.card.version === '4.0') ? 'vcard4' : 'apple'
}

/** The version new cards of an address book get: what its cards mostly are, else vCard 3.0 (which every server takes). */
export async function versionOf(db: ContactsDatabase, accountId: AccountId, bookUrl: string): Promise<ContactCard['version']> {
  const rows = await db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()
  const v4 = rows.filter((r) => r.card.version === '4.0').length
  return rows.length > 0 && v4 * 2 > rows.length ? '4.0' : '3.0'
}

/** What an import did: counts, and each skipped card with why. */
export interface ImportSummary {
  imported: number
  skipped: { index: number; label: string; reason: string }[]
}

/** What the user does to contacts, each as optimistic change + task (DESIGN.md flow 2). */
export class ContactActions {
  constructor(
    private readonly db: ContactsDatabase,
    private readonly tasks: ContactTasks,
  ) {}

  async create(accountId: AccountId, bookUrl: string, card: ContactCard): Promise<string> {
    const version = await versionOf(this.db, accountId, bookUrl)
    const uid = card.uid || newUid()
    const full: ContactCard = { ...card, uid, version: card.kind === 'group' ? card.version : version }
    let groupStyle: GroupStyle | undefined
    if (full.kind === 'group') {
      groupStyle = await groupStyleOf(this.db, accountId, bookUrl)
      full.groupStyle = groupStyle
      full.version = groupStyle === 'vcard4' ? '4.0' : '3.0'
    }
    const href = hrefFor(bookUrl, uid)
    await this.tasks.enqueue([
      {
        accountId,
        bookUrl,
        href,
        task: { kind: 'create', bookUrl, href, card: full, ...(groupStyle ? { groupStyle } : {}) },
        after: cardRow(accountId, bookUrl, { href, etag: null, raw: null, card: full }),
      },
    ])
    return href
  }

  async update(row: CardRow, card: ContactCard): Promise<void> {
    await this.tasks.enqueue([this.updateChange(row, card)])
  }

  private updateChange(row: CardRow, card: ContactCard, absorb: string[] = []): ContactChange {
    return {
      accountId: row.accountId,
      bookUrl: row.bookUrl,
      href: row.href,
      task: { kind: 'update', href: row.href, etag: row.etag, baseRaw: row.raw ?? '', card, absorb, force: false },
      after: withCard(row, card),
    }
  }

  async remove(rows: readonly CardRow[]): Promise<void> {
    await this.tasks.enqueue(rows.map((row) => this.deleteChange(row)))
  }

  private deleteChange(row: CardRow): ContactChange {
    return { accountId: row.accountId, bookUrl: row.bookUrl, href: row.href, task: { kind: 'delete', href: row.href, etag: row.etag, force: false }, after: null }
  }

  /** A new group in the address book's style, with these members (`urn:uuid:` or `mailto:`). */
  async createGroup(accountId: AccountId, bookUrl: string, name: string, members: string[] = []): Promise<string> {
    const card = emptyCard({ uid: newUid(), kind: 'group', formattedName: name.trim(), members })
    return this.create(accountId, bookUrl, card)
  }

  async renameGroup(group: CardRow, name: string): Promise<void> {
    await this.update(group, { ...group.card, formattedName: name.trim() })
  }

  async setMembers(group: CardRow, members: string[]): Promise<void> {
    await this.update(group, { ...group.card, members: [...new Set(members)] })
  }

  /**
   * Merges `others` into `primary` (see mergeCards): the primary is updated — keeping the vCard
   * lines Quire does not show of every card — the others are deleted, and groups that named one of
   * them name the primary instead. One user action, one transaction of tasks.
   */
  async merge(primary: CardRow, others: readonly CardRow[]): Promise<void> {
    const merged = mergeCards(
      primary.card,
      others.map((o) => o.card),
    )
    const changes: ContactChange[] = [
      this.updateChange(
        primary,
        merged,
        others.flatMap((o) => (o.raw ? [o.raw] : [])),
      ),
    ]
    const gone = new Set(others.map((o) => o.uidKey))
    const groups = await this.db.cards.where('[accountId+bookUrl]').equals([primary.accountId, primary.bookUrl]).filter((r) => r.kind === 'group').toArray()
    for (const group of groups) {
      if (!group.card.members.some((m) => gone.has(bareUid(m)))) continue
      const members = [...new Set(group.card.members.map((m) => (gone.has(bareUid(m)) ? `urn:uuid:${bareUid(primary.card.uid)}` : m)))]
      changes.push(this.updateChange(group, { ...group.card, members }))
    }
    changes.push(...others.map((o) => this.deleteChange(o)))
    await this.tasks.enqueue(changes)
  }

  /**
   * Settles a conflict. `mine`: store the user's version over the server's; `theirs`: take the
   * server's; `both`: take the server's and store the user's as a new contact beside it.
   * For a delete, `mine` deletes anyway and `theirs` keeps the server's card.
   */
  async resolve(conflict: ConflictRow, choice: 'mine' | 'theirs' | 'both'): Promise<void> {
    const { db } = this
    const key: [AccountId, string] = [conflict.accountId, conflict.href]
    const { accountId, bookUrl, href, server } = conflict
    if (choice === 'theirs' || choice === 'both') {
      await db.transaction('rw', [db.cards, db.conflicts], async () => {
        await db.conflicts.delete(key)
        if (server) await db.cards.put(cardRow(accountId, bookUrl, server))
        else await db.cards.delete(key)
      })
      if (choice === 'both' && conflict.action !== 'delete') {
        const copy = { ...conflict.mine, uid: newUid() }
        await this.create(accountId, bookUrl, copy)
      }
      return
    }
    const row = await db.cards.get(key)
    const base: CardRow = row ?? cardRow(accountId, bookUrl, { href, etag: null, raw: null, card: conflict.mine })
    // the user's version now stands on the server's (its ETag), so the write replaces exactly that
    const onServer: CardRow = { ...base, etag: server?.etag ?? null, conflicted: 0 }
    await db.transaction('rw', [db.cards, db.conflicts], async () => {
      await db.conflicts.delete(key)
      await db.cards.put(onServer)
    })
    if (conflict.action === 'delete') {
      await this.tasks.enqueue([{ ...this.deleteChange(onServer), task: { kind: 'delete', href, etag: onServer.etag, force: true } }])
      return
    }
    const change = this.updateChange({ ...onServer, raw: conflict.mineBaseRaw }, conflict.mine)
    if (change.task.kind === 'update') change.task.force = true
    await this.tasks.enqueue([{ ...change, after: withCard(onServer, conflict.mine) }])
  }

  /**
   * Stores imported cards in an address book, each as it was read (unknown properties kept).
   * A card whose UID the address book already has, or that came earlier in the same file, is skipped.
   */
  async import(accountId: AccountId, bookUrl: string, cards: readonly ImportedCard[], skippedBefore: ImportSummary['skipped'] = []): Promise<ImportSummary> {
    const existing = new Set((await this.db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()).map((r) => r.uidKey))
    const bookName = (await this.db.addressBooks.get([accountId, bookUrl]))?.displayName ?? 'the address book'
    const seen = new Set<string>()
    const skipped = [...skippedBefore]
    const changes: ContactChange[] = []
    for (const imported of cards) {
      const uid = bareUid(imported.card.uid)
      const label = displayName(imported.card)
      if (existing.has(uid)) {
        skipped.push({ index: imported.index, label, reason: `It is already in ${bookName} (same UID).` })
        continue
      }
      if (seen.has(uid)) {
        skipped.push({ index: imported.index, label, reason: 'The same card (same UID) came earlier in the file.' })
        continue
      }
      seen.add(uid)
      const href = hrefFor(bookUrl, imported.card.uid)
      changes.push({
        accountId,
        bookUrl,
        href,
        task: { kind: 'create', bookUrl, href, card: imported.card, raw: imported.raw },
        // the card was read from `raw`: later edits keep its other lines, as for any stored card
        after: cardRow(accountId, bookUrl, { href, etag: null, raw: imported.raw, card: imported.card } as never),
      })
    }
    if (changes.length) await this.tasks.enqueue(changes)
    return { imported: changes.length, skipped: skipped.sort((a, b) => a.index - b.index) }
  }
}
