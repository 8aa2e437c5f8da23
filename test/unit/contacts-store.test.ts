import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import type { AccountId } from '../../src-main/common/domain/account'
import { ContactCard, type ContactCardInput } from '../../src-main/common/domain/contact'
import type { DirectoryEntry } from '../../src-main/common/domain/directory'
import type { Client } from '../../src-renderer/rpc/client'
import { cardRow, letterOf, matchesQuery, sortKeyOf } from '../../src-renderer/store/contacts/card-index'
import { groupStyleOf } from '../../src-renderer/store/contacts/contact-actions'
import { findDuplicates, mergeCards } from '../../src-renderer/store/contacts/contact-merge'
import { ContactsDatabase } from '../../src-renderer/store/contacts/contacts-database'
import { parseAddress, RecipientSuggestions, type SuggestionState } from '../../src-renderer/store/contacts/recipient-suggestions'

const accountId = 'account-1' as AccountId
const book = 'https://dav.example.test/alice/contacts/'
const card = (fields: Partial<ContactCardInput>) => ContactCard.parse({ version: '3.0', uid: randomUUID(), ...fields })
const row = (fields: Partial<ContactCardInput>, href = `${book}${randomUUID()}.vcf`) => cardRow(accountId, book, { href, etag: '"1"', raw: 'BEGIN:VCARD\r\nEND:VCARD\r\n', card: card(fields) })

function person(name: string, email: string, extra: Partial<ContactCardInput> = {}) {
  const [given = '', family = ''] = name.split(' ')
  return row({ formattedName: name, name: { given, family }, emails: [{ value: email }], ...extra })
}

/** main as far as autocomplete needs it: the directory procedures, answered by the test. */
function fakeMain(directory: (query: string, signal?: AbortSignal) => Promise<DirectoryEntry[]>, members: DirectoryEntry[] = []): Client {
  return {
    call: (async (name: string, input: { query: string }, options?: { signal?: AbortSignal }) => {
      if (name === 'directory.search') return { entries: await directory(input.query, options?.signal), failures: [] }
      if (name === 'directory.expand') return { members, unresolved: [], truncated: false }
      throw new Error(`unexpected call ${name}`)
    }) as Client['call'],
    subscribe: () => () => {},
    onClose: () => {},
    close: () => {},
  }
}

const entry = (name: string, email: string, kind: 'person' | 'group' = 'person'): DirectoryEntry => ({
  directoryId: 'dir-1' as AccountId,
  dn: `cn=${name},dc=example,dc=test`,
  kind,
  name,
  givenName: '',
  familyName: '',
  emails: email ? [email] : [],
  phones: [],
  title: '',
  organization: '',
  department: '',
  photo: null,
  certificates: [],
  memberCount: kind === 'group' ? 2 : null,
})

/** Collects what `lookup` publishes until `done` says the last state came. */
function collect(engine: RecipientSuggestions, query: string, done: (s: SuggestionState) => boolean): Promise<SuggestionState[]> {
  return new Promise((resolve) => {
    const states: SuggestionState[] = []
    engine.lookup(query, (state) => {
      states.push(state)
      if (done(state)) resolve(states)
    })
  })
}

describe('contact index', () => {
  it('sorts people by family name, finds them by any word prefix, accents ignored', () => {
    const r = person('Zoë Ångström', 'zoe@example.test', { nicknames: ['Zo'], organization: 'Example AB', phoneticName: { given: 'Zo-ay' } })
    expect(sortKeyOf(r.card)).toBe('angstrom zoe')
    expect(letterOf(r.sortKey)).toBe('A')
    for (const query of ['ang', 'zoe ang', 'Example', 'zo-ay', 'zoe@exa']) expect(matchesQuery(r, query), query).toBe(true)
    expect(matchesQuery(r, 'angz')).toBe(false)
    expect(letterOf(sortKeyOf(card({ formattedName: '42 Club', kind: 'org' })))).toBe('#')
  })

  it('reads typed addresses', () => {
    expect(parseAddress('Ada Lovelace <ada@example.test>')).toEqual({ name: 'Ada Lovelace', email: 'ada@example.test' })
    expect(parseAddress('"Lovelace, Ada" <ada@example.test>')).toEqual({ name: 'Lovelace, Ada', email: 'ada@example.test' })
    expect(parseAddress(' ada@example.test, ')).toEqual({ name: '', email: 'ada@example.test' })
    expect(parseAddress('ada')).toBeUndefined()
  })
})

describe('merging duplicates', () => {
  it('finds cards sharing an email or a name in one address book, and merging keeps every value', () => {
    const a = person('Dana Double', 'dana@example.test', { title: 'Boss', phones: [{ value: '+1 555 0101' }], note: 'First note' })
    const b = person('Dana Double', 'DANA@example.test', { title: 'Chief', phones: [{ value: '+1 (555) 0101' }, { value: '+1 555 0202' }], birthday: '1990-01-02' })
    const c = person('Other Person', 'other@example.test')
    const d = person('D. Double', 'dana@example.test')
    const groups = findDuplicates([a, b, c, d])
    expect(groups).toHaveLength(1)
    expect(new Set(groups[0]!.map((r) => r.href))).toEqual(new Set([a.href, b.href, d.href]))

    const merged = mergeCards(a.card, [b.card, d.card])
    expect(merged.emails.map((e) => e.value)).toEqual(['dana@example.test'])
    expect(merged.phones.map((p) => p.value)).toEqual(['+1 555 0101', '+1 555 0202'])
    expect(merged.title).toBe('Boss')
    expect(merged.birthday).toBe('1990-01-02')
    expect(merged.note).toContain('First note')
    expect(merged.note).toContain('Title: Chief')
    expect(merged.note).toContain('Name: D. Double')
    // entries taken from the others carry no line ref of theirs (they would point into the wrong vCard)
    expect(merged.phones[1]).not.toHaveProperty('ref')
  })
})

describe('group style', () => {
  it('follows the address book: its groups, else vCard 4 only when every card is, else Apple', async () => {
    const db = new ContactsDatabase(`style-${randomUUID()}`)
    expect(await groupStyleOf(db, accountId, book)).toBe('apple')
    await db.cards.put(row({ version: '4.0', formattedName: 'Four' }))
    expect(await groupStyleOf(db, accountId, book)).toBe('vcard4')
    await db.cards.put(row({ version: '3.0', formattedName: 'Three' }))
    expect(await groupStyleOf(db, accountId, book)).toBe('apple')
    await db.cards.put(row({ version: '4.0', kind: 'group', groupStyle: 'vcard4', formattedName: 'Group' }))
    expect(await groupStyleOf(db, accountId, book)).toBe('vcard4')
    db.close()
  })
})

describe('recipient suggestions', () => {
  let db: ContactsDatabase
  beforeEach(async () => {
    db = new ContactsDatabase(`suggest-${randomUUID()}`)
    const carol = person('Carol Local', 'carol.local@example.test')
    const casey = person('Casey Jones', 'casey@example.test', { emails: [{ value: 'casey@home.test', types: ['home'] }, { value: 'casey@work.test', types: ['work'], pref: true }] })
    await db.cards.bulkPut([carol, casey, row({ kind: 'group', formattedName: 'Cave Club', members: [`urn:uuid:${carol.card.uid}`, `urn:uuid:${casey.card.uid}`, 'mailto:guest@example.test'] })])
  })
  afterEach(() => db.close())

  it('shows local contacts, groups and seen addresses at once, and a silent directory never holds them back', async () => {
    let release: () => void = () => {}
    const engine = new RecipientSuggestions(db, fakeMain(() => new Promise((resolve) => (release = () => resolve([entry('Carla Directory', 'carla@example.test')])))), () => true, {
      debounceMs: 0,
      seen: async () => [{ name: 'Cathy Seen', email: 'cathy@example.test', count: 4, lastSeen: 1 }],
    })
    const first = await collect(engine, 'ca', (s) => s.suggestions.length > 0)
    const local = first.at(-1)!
    expect(local.directory).toBe('searching')
    expect(local.suggestions.map((s) => [s.kind, s.name])).toEqual([
      ['contact', 'Casey Jones'],
      ['contact', 'Carol Local'],
      ['contact', 'Casey Jones'],
      ['group', 'Cave Club'],
      ['seen', 'Cathy Seen'],
    ])
    // the preferred address of a person comes first
    expect(local.suggestions[0]).toMatchObject({ email: 'casey@work.test' })

    const later = collect(engine, 'ca', (s) => s.directory === 'done' && s.localDone)
    await new Promise((r) => setTimeout(r, 20))
    release()
    const done = (await later).at(-1)!
    expect(done.suggestions.map((s) => s.name)).toContain('Carla Directory')
    expect(done.suggestions.at(-1)).toMatchObject({ kind: 'directory', email: 'carla@example.test' })
  })

  it('asks the directory only from two characters on, and one address shows once (the contact wins)', async () => {
    const asked: string[] = []
    const engine = new RecipientSuggestions(
      db,
      fakeMain(async (query) => {
        asked.push(query)
        return [entry('Carol From Directory', 'carol.local@example.test')]
      }),
      () => true,
      { debounceMs: 0, seen: async () => [{ name: '', email: 'carol.local@example.test', count: 9, lastSeen: 1 }] },
    )
    const single = (await collect(engine, 'c', (s) => s.suggestions.length > 0)).at(-1)!
    expect(single.directory).toBe('none')
    const states = await collect(engine, 'carol', (s) => s.directory === 'done' && s.localDone)
    expect(asked).toEqual(['carol'])
    const done = states.at(-1)!
    expect(done.suggestions.filter((s) => 'email' in s && s.email === 'carol.local@example.test')).toEqual([expect.objectContaining({ kind: 'contact', name: 'Carol Local' })])
  })

  it('expands a group to its members’ preferred addresses, and a directory group through main', async () => {
    const engine = new RecipientSuggestions(db, fakeMain(async () => [], [entry('Alice Example', 'alice@example.test'), entry('No Mail', '')]), () => true, { seen: async () => [] })
    const group = (await db.cards.where('kind').equals('group').first())!
    expect(await engine.expandGroup(group)).toEqual([
      { name: 'Carol Local', email: 'carol.local@example.test' },
      { name: 'Casey Jones', email: 'casey@work.test' },
      { name: '', email: 'guest@example.test' },
    ])
    expect(await engine.expandDirectoryGroup(entry('engineering', '', 'group'))).toEqual([{ name: 'Alice Example', email: 'alice@example.test' }])
  })
})

describe('addresses seen in mail', () => {
  it('are read from the mail store’s own database without changing it, counted, newest name kept', async () => {
    const { QuireDatabase } = await import('../../src-renderer/store/database')
    const { readSeenAddresses } = await import('../../src-renderer/store/contacts/seen-addresses')
    const name = `mail-${randomUUID()}`
    expect(await readSeenAddresses(100, name)).toEqual([])
    const mail = new QuireDatabase(name)
    const base = { modseq: null, flags: [], date: null, size: 1, subject: '', bcc: [], replyTo: [], messageId: null, inReplyTo: null, references: [], listUnsubscribe: null, spam: false, hasAttachments: false, snippet: '' }
    const message = (uid: number, internalDate: number, from: string, fromName: string, to: string) => ({
      ...base,
      uid,
      internalDate,
      accountId,
      path: 'INBOX',
      unread: 0 as const,
      flagged: (uid % 2) as 0 | 1,
      threadId: String(uid),
      from: [{ name: fromName, address: from }],
      to: [{ name: '', address: to }],
      cc: [],
    })
    await mail.messages.bulkPut([message(1, 1000, 'Ada@Example.test', 'Ada L.', 'me@example.test'), message(2, 2000, 'ada@example.test', 'Ada Lovelace', 'me@example.test'), message(3, 3000, 'grace@example.test', '', 'me@example.test')])
    mail.close()
    const seen = await readSeenAddresses(100, name)
    expect(seen.sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { name: 'Ada Lovelace', email: 'ada@example.test', count: 2, lastSeen: 2000 },
      { name: '', email: 'grace@example.test', count: 1, lastSeen: 3000 },
      { name: '', email: 'me@example.test', count: 3, lastSeen: 3000 },
    ])
    // the mail store opens its database as before
    const again = new QuireDatabase(name)
    expect(await again.messages.count()).toBe(3)
    again.close()
  })
})
