import { inject } from 'vitest'
import { randomUUID } from 'node:crypto'
import { QuireError } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import { ContactCard, type AddressBook, type AddressBookChanges, type ContactConflict } from '../../src-main/common/domain/contact'
import { DavAccount } from '../../src-main/common/domain/dav-account'
import { CardDavService } from '../../src-main/dav/carddav/carddav-service'
import { readVCard } from '../../src-main/dav/carddav/vcard-read'

const servers = inject('servers')

/** A second client: plain fetch with Basic auth, to check what really is on the server. */
function peer(user: 'alice' | 'bob') {
  const auth = `Basic ${Buffer.from(`${user}:${servers.users[user].password}`).toString('base64')}`
  return {
    get: (url: string) => fetch(url, { headers: { authorization: auth } }),
    put: (url: string, body: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'PUT', body, headers: { authorization: auth, 'content-type': 'text/vcard; charset=utf-8', ...headers } }),
    delete: (url: string) => fetch(url, { method: 'DELETE', headers: { authorization: auth } }),
  }
}

function service(serverUrl: string, user: 'alice' | 'bob' = 'alice') {
  const account = DavAccount.parse({ id: `dav-${user}-test`, name: 'Test DAV', serverUrl, username: user })
  return {
    accountId: account.id as AccountId,
    carddav: new CardDavService({
      get: () => account,
      password: async () => servers.users[user].password,
      onChange: () => () => {},
    }),
  }
}

const vcard = (lines: string[]) => `${['BEGIN:VCARD', ...lines, 'END:VCARD'].join('\r\n')}\r\n`

describe.each([
  { server: 'Radicale', url: () => servers.radicaleUrl, book: 'contacts' },
  { server: 'Cyrus', url: () => servers.cyrusDavUrl, book: 'personal' },
])('CardDAV against $server', ({ url, book: bookName }) => {
  let carddav: CardDavService
  let accountId: AccountId
  let book: AddressBook

  beforeAll(async () => {
    ;({ carddav, accountId } = service(url()))
    const books = await carddav.addressBooks(accountId)
    book = books.find((b) => b.displayName === bookName)!
    expect(book, `address books: ${books.map((b) => b.displayName).join(', ')}`).toBeDefined()
    expect(book.supportsSync).toBe(true)
    expect(book.readOnly).toBe(false)
  })
  afterAll(() => carddav.close())

  it('create, edit and delete reach the server, and server changes arrive through sync-collection', async () => {
    const http = peer('alice')
    let changes: AddressBookChanges = await carddav.changes(accountId, book.url, null)
    expect(changes.kind).toBe('full')
    let cursor = changes.cursor

    // create
    const uid = randomUUID()
    const href = `${book.url}${uid}.vcf`
    const card = ContactCard.parse({
      version: '3.0',
      uid,
      formattedName: 'Round Trip',
      name: { given: 'Round', family: 'Trip' },
      emails: [{ value: 'round.trip@example.test', types: ['work'] }],
    })
    const created = await carddav.apply(accountId, { kind: 'create', bookUrl: book.url, href, card })
    expect(created?.etag).toBeTruthy()
    const onServer = await (await http.get(href)).text()
    expect(onServer).toContain('round.trip@example.test')
    expect(onServer).toContain(`UID:${uid}`)

    changes = await carddav.changes(accountId, book.url, cursor)
    expect(changes.kind).toBe('delta')
    if (changes.kind === 'delta') expect(changes.changed.map((c) => c.href)).toContain(href)
    cursor = changes.cursor

    // someone else adds an unknown property; Quire fetches it, edits a shown field, and the property survives
    const foreign = onServer.replace(/END:VCARD\r?\n?$/, 'X-QUIRE-UNKNOWN;X-P=1:keep this\r\nitem7.X-ABRELATEDNAMES:Bob\r\nitem7.X-ABLabel:_$!<Friend>!$_\r\nEND:VCARD\r\n')
    expect((await http.put(href, foreign)).ok).toBe(true)
    changes = await carddav.changes(accountId, book.url, cursor)
    expect(changes.kind).toBe('delta')
    cursor = changes.cursor
    const fetched = await carddav.fetch(accountId, book.url, [href])
    expect(fetched.missing).toEqual([])
    const [stored] = fetched.cards
    expect(stored?.raw).toContain('X-QUIRE-UNKNOWN')
    const edited = { ...stored!.card, title: 'Tester', phones: [{ value: '+1 555 0142', types: ['cell'], pref: false }] }
    const updated = await carddav.apply(accountId, { kind: 'update', href, etag: stored!.etag, baseRaw: stored!.raw, card: edited, absorb: [], force: false })
    const afterEdit = await (await http.get(href)).text()
    expect(afterEdit).toContain('TITLE:Tester')
    expect(afterEdit).toContain('+1 555 0142')
    expect(afterEdit).toContain('X-QUIRE-UNKNOWN;X-P=1:keep this')
    expect(afterEdit).toContain('item7.X-ABRELATEDNAMES:Bob')

    // a stale ETag is a conflict carrying the server's version; nothing is overwritten
    const stale = await carddav
      .apply(accountId, { kind: 'update', href, etag: stored!.etag, baseRaw: stored!.raw, card: { ...edited, title: 'Stale' }, absorb: [], force: false })
      .catch((error: unknown) => error)
    expect(stale).toBeInstanceOf(QuireError)
    expect((stale as QuireError).code).toBe('CONFLICT')
    const conflict = (stale as QuireError).details as ContactConflict
    expect(conflict.current?.card.title).toBe('Tester')
    expect(conflict.current?.etag).toBe(updated?.etag)
    expect(await (await http.get(href)).text()).toContain('TITLE:Tester')

    // the user keeps their version after seeing both
    const forced = await carddav.apply(accountId, { kind: 'update', href, etag: stored!.etag, baseRaw: stored!.raw, card: { ...edited, title: 'Mine' }, absorb: [], force: true })
    expect(forced?.card.title).toBe('Mine')

    // delete with the current ETag; the server no longer has it and sync says so
    await carddav.apply(accountId, { kind: 'delete', href, etag: forced!.etag, force: false })
    expect((await http.get(href)).status).toBe(404)
    changes = await carddav.changes(accountId, book.url, cursor)
    expect(changes.kind).toBe('delta')
    if (changes.kind === 'delta') expect(changes.removed).toContain(href)
  })

  it('a card created elsewhere arrives, with its unknown properties, and a deleted one is missing', async () => {
    const http = peer('alice')
    const before = await carddav.changes(accountId, book.url, null)
    const uid = randomUUID()
    const href = `${book.url}${uid}.vcf`
    const raw = vcard(['VERSION:4.0', `UID:${uid}`, 'FN:From Elsewhere', 'EMAIL:elsewhere@example.test', 'X-UNSEEN:yes'])
    expect((await http.put(href, raw, { 'if-none-match': '*' })).ok).toBe(true)
    const changes = await carddav.changes(accountId, book.url, before.cursor)
    expect(changes.kind === 'delta' && changes.changed.some((c) => c.href === href)).toBe(true)
    const { cards } = await carddav.fetch(accountId, book.url, [href])
    expect(cards[0]?.card).toMatchObject({ formattedName: 'From Elsewhere', emails: [{ value: 'elsewhere@example.test' }] })
    await http.delete(href)
    expect(await carddav.fetch(accountId, book.url, [href])).toEqual({ cards: [], missing: [href] })
  })
})

describe('groups in the server’s style', () => {
  it('Cyrus gets an Apple-style group, Radicale a vCard 4 one, each readable back with its members', async () => {
    for (const [url, style] of [
      [servers.cyrusDavUrl, 'apple'],
      [servers.radicaleUrl, 'vcard4'],
    ] as const) {
      const { carddav, accountId } = service(url)
      const [book] = (await carddav.addressBooks(accountId)).filter((b) => ['contacts', 'personal'].includes(b.displayName))
      const memberUid = randomUUID()
      const member = ContactCard.parse({ version: style === 'vcard4' ? '4.0' : '3.0', uid: memberUid, formattedName: 'Member One', emails: [{ value: 'member.one@example.test' }] })
      await carddav.apply(accountId, { kind: 'create', bookUrl: book!.url, href: `${book!.url}${memberUid}.vcf`, card: member })
      const groupUid = randomUUID()
      const group = ContactCard.parse({ version: '3.0', uid: groupUid, kind: 'group', formattedName: 'Quire Group', members: [`urn:uuid:${memberUid}`] })
      const stored = await carddav.apply(accountId, { kind: 'create', bookUrl: book!.url, href: `${book!.url}${groupUid}.vcf`, card: group, groupStyle: style })
      const text = await (await peer('alice').get(stored!.href)).text()
      if (style === 'apple') {
        expect(text).toContain('X-ADDRESSBOOKSERVER-KIND:group')
        expect(text).toContain(`X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:${memberUid}`)
      } else {
        expect(text).toContain('VERSION:4.0')
        expect(text).toContain('KIND:group')
        expect(text).toContain(`MEMBER:urn:uuid:${memberUid}`)
      }
      expect(readVCard(text, () => '').card).toMatchObject({ kind: 'group', groupStyle: style, members: [`urn:uuid:${memberUid}`], formattedName: 'Quire Group' })
      carddav.close()
    }
  })
})
