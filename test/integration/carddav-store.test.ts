import 'fake-indexeddb/auto'
import { inject } from 'vitest'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { FileVault } from '../../src-main/accounts/file-vault'
import type { AccountId } from '../../src-main/common/domain/account'
import { DavAccountSettings } from '../../src-main/common/domain/dav-account'
import { createApp, type App } from '../../src-main/main'
import { messagePortEndpoint, type PortLike } from '../../src-main/rpc/message-port-endpoint'
import { createClient, type Client } from '../../src-renderer/rpc/client'
import { fromMessagePort } from '../../src-renderer/rpc/message-port-connection'
import { ContactsStore } from '../../src-renderer/store/contacts/contacts-store'
import { findDuplicates } from '../../src-renderer/store/contacts/contact-merge'

const servers = inject('servers')

const auth = `Basic ${Buffer.from(`alice:${servers.users.alice.password}`).toString('base64')}`
const http = {
  get: (url: string) => fetch(url, { headers: { authorization: auth } }),
  put: (url: string, body: string) => fetch(url, { method: 'PUT', body, headers: { authorization: auth, 'content-type': 'text/vcard; charset=utf-8' } }),
}
const vcard = (lines: string[]) => `${['BEGIN:VCARD', ...lines, 'END:VCARD'].join('\r\n')}\r\n`

/** The real main (createApp) and the renderer's contacts store over a MessageChannel, as in Electron. */
async function start(serverUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'quire-contacts-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const app: App = await createApp({ mode: 'web', dataDir: dir, vault })
  const { port1, port2 } = new MessageChannel()
  app.router.connect(messagePortEndpoint(port1 as unknown as PortLike))
  const client: Client = createClient(fromMessagePort(port2 as unknown as Parameters<typeof fromMessagePort>[0]))
  const settings = DavAccountSettings.parse({ name: 'Alice DAV', serverUrl, username: 'alice', calendars: false, contacts: true })
  const account = await app.davAccounts.add(settings, servers.users.alice.password)
  const store = new ContactsStore(client, { databaseName: `contacts-${randomUUID()}`, tasks: { retryBaseMs: 50, retryMaxMs: 200 } })
  await store.start()
  const accountId = account.id as AccountId
  await waitFor(async () => (await store.db.addressBooks.where('accountId').equals(accountId).count()) > 0)
  await store.sync.idle()
  return {
    app,
    store,
    accountId,
    settings,
    async close() {
      store.stop()
      store.db.close()
      client.close()
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe.each([
  { server: 'Radicale', url: () => servers.radicaleUrl, book: 'contacts' },
  { server: 'Cyrus', url: () => servers.cyrusDavUrl, book: 'personal' },
])('the contacts store against $server through the real main', ({ url, book: bookName }) => {
  let env: Awaited<ReturnType<typeof start>>
  let bookUrl: string
  beforeAll(async () => {
    env = await start(url())
    bookUrl = (await env.store.db.addressBooks.toArray()).find((b) => b.displayName === bookName)!.url
  })
  afterAll(() => env.close())

  it('server changes arrive; create, edit (unknown properties kept) and delete reach the server', async () => {
    const { store, accountId } = env
    // a card made elsewhere, with properties Quire does not show
    const uid = randomUUID()
    const href = `${bookUrl}${uid}.vcf`
    await http.put(href, vcard(['VERSION:3.0', `UID:${uid}`, 'FN:Elsie Where', 'N:Where;Elsie;;;', 'EMAIL:elsie@example.test', 'X-MANAGER:Ms. Boss', 'item1.URL:https://elsie.example', 'item1.X-ABLabel:blog']))
    await store.sync.syncAccount(accountId)
    const row = await store.db.cards.get([accountId, href])
    expect(row?.card.formattedName).toBe('Elsie Where')
    expect(row?.letter).toBe('W')

    // edited in Quire: the change reaches the server, the unknown lines stay
    await store.actions.update(row!, { ...row!.card, title: 'Pilot', phones: [{ value: '+1 555 0177', types: ['work'], pref: false }] })
    expect((await store.db.cards.get([accountId, href]))?.pending).toBe(1)
    await store.tasks.settled(accountId)
    const edited = await (await http.get(href)).text()
    expect(edited).toContain('TITLE:Pilot')
    expect(edited).toContain('X-MANAGER:Ms. Boss')
    expect(edited).toContain('item1.URL:https://elsie.example')
    // Radicale re-serialises what it stores (property names in upper case): compare without case
    expect(edited).toMatch(/item1\.X-ABLabel:blog/i)
    expect((await store.db.cards.get([accountId, href]))?.pending).toBe(0)

    // created in Quire
    const created = await store.actions.create(accountId, bookUrl, {
      ...row!.card,
      uid: '',
      formattedName: 'Nova Quire',
      name: { prefix: '', given: 'Nova', middle: '', family: 'Quire', suffix: '' },
      emails: [{ value: 'nova@example.test', types: ['home'], pref: false }],
      phones: [],
      urls: [],
      title: '',
    })
    await store.tasks.settled(accountId)
    expect(await (await http.get(created)).text()).toContain('nova@example.test')

    // deleted in Quire
    await store.actions.remove([(await store.db.cards.get([accountId, created]))!])
    await store.tasks.settled(accountId)
    expect((await http.get(created)).status).toBe(404)

    // deleted elsewhere: gone after the next sync
    await fetch(href, { method: 'DELETE', headers: { authorization: auth } })
    await store.sync.syncAccount(accountId)
    expect(await store.db.cards.get([accountId, href])).toBeUndefined()
  })

  it('a change made here while the server’s copy changed keeps both versions until the user chooses', async () => {
    const { store, accountId } = env
    const uid = randomUUID()
    const href = `${bookUrl}${uid}.vcf`
    // a name of this run only: the stack may be reused between runs (QUIRE_TEST_SERVERS_DIR)
    const name = `Con Flict ${uid.slice(0, 8)}`
    await http.put(href, vcard(['VERSION:3.0', `UID:${uid}`, `FN:${name}`, 'N:Flict;Con;;;', 'TITLE:Original']))
    await store.sync.syncAccount(accountId)
    const row = (await store.db.cards.get([accountId, href]))!
    // someone else edits on the server; Quire has not synced yet
    await http.put(href, vcard(['VERSION:3.0', `UID:${uid}`, `FN:${name}`, 'N:Flict;Con;;;', 'TITLE:Theirs']))
    await store.actions.update(row, { ...row.card, title: 'Mine' })
    await store.tasks.settled(accountId)
    const conflict = await store.db.conflicts.get([accountId, href])
    expect(conflict?.server?.card.title).toBe('Theirs')
    expect(conflict?.mine.title).toBe('Mine')
    expect((await store.db.cards.get([accountId, href]))?.card.title).toBe('Mine')
    expect(await (await http.get(href)).text()).toContain('TITLE:Theirs')

    // keep both: the server's stays where it was, the user's becomes a new contact
    await store.actions.resolve(conflict!, 'both')
    await store.tasks.settled(accountId)
    await store.sync.syncAccount(accountId)
    const titles = (await store.db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()).filter((r) => r.card.formattedName === name).map((r) => r.card.title)
    expect(titles.sort()).toEqual(['Mine', 'Theirs'])

    // another round, settled with "keep mine": the server gets the user's version
    const again = (await store.db.cards.get([accountId, href]))!
    await http.put(href, vcard(['VERSION:3.0', `UID:${uid}`, `FN:${name}`, 'N:Flict;Con;;;', 'TITLE:Theirs again']))
    await store.actions.update(again, { ...again.card, title: 'Mine again' })
    await store.tasks.settled(accountId)
    await store.actions.resolve((await store.db.conflicts.get([accountId, href]))!, 'mine')
    await store.tasks.settled(accountId)
    expect(await (await http.get(href)).text()).toContain('TITLE:Mine again')
    expect(await store.db.conflicts.count()).toBe(0)
  })

  it('edits made while the server is unreachable wait and are replayed when it is back', async () => {
    const { app, store, accountId, settings } = env
    const row = (await store.db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).first())!
    // the account now points where nothing listens
    await app.davAccounts.update(accountId, { ...settings, serverUrl: 'http://127.0.0.1:9/' })
    await store.actions.update(row, { ...row.card, note: 'written offline' })
    await waitFor(async () => ((await store.db.tasks.toArray())[0]?.attempts ?? 0) >= 1, 'a failed attempt')
    const [waiting] = await store.db.tasks.toArray()
    expect(waiting?.lastError).toMatch(/Nothing answered|refused|connect/i)
    expect((await store.db.cards.get([accountId, row.href]))?.card.note).toBe('written offline')
    await app.davAccounts.update(accountId, settings)
    await store.tasks.retryNow(accountId)
    await store.tasks.settled(accountId)
    expect(await store.db.tasks.count()).toBe(0)
    expect(await (await http.get(row.href)).text()).toContain('NOTE:written offline')
  })

  it('duplicates (same email) merge into one card that keeps every value, groups follow', async () => {
    const { store, accountId } = env
    const [a, b] = [randomUUID(), randomUUID()]
    const email = `dee-${a.slice(0, 8)}@example.test`
    await http.put(`${bookUrl}${a}.vcf`, vcard(['VERSION:3.0', `UID:${a}`, `FN:Dee Dup ${a}`, 'N:Dup;Dee;;;', `EMAIL:${email}`, 'TITLE:Boss', 'X-ONLY-IN-A:1']))
    await http.put(`${bookUrl}${b}.vcf`, vcard(['VERSION:3.0', `UID:${b}`, `FN:D. Dup ${b}`, 'N:Dup;D.;;;', `EMAIL:${email.toUpperCase()}`, 'TEL:+1 555 0123', 'TITLE:Chief', 'X-ONLY-IN-B:2']))
    await store.sync.syncAccount(accountId)
    const groupHref = await store.actions.createGroup(accountId, bookUrl, 'Dup fans', [`urn:uuid:${b}`])
    await store.tasks.settled(accountId)
    const rows = await store.db.cards.where('[accountId+bookUrl]').equals([accountId, bookUrl]).toArray()
    const group = findDuplicates(rows).find((g) => g.some((r) => r.card.uid === a))!
    expect(group.map((r) => r.card.uid).sort()).toEqual([a, b].sort())
    const [primary, ...others] = group
    await store.actions.merge(primary!, others)
    await store.tasks.settled(accountId)
    const survivor = primary!.card.uid
    const gone = others[0]!.card.uid
    const text = await (await http.get(`${bookUrl}${survivor}.vcf`)).text()
    expect(text).toContain('+1 555 0123')
    expect(text).toContain('X-ONLY-IN-A:1')
    expect(text).toContain('X-ONLY-IN-B:2')
    expect(text).toMatch(/Chief|Boss/)
    expect(text).toMatch(/Merged from/)
    expect((await http.get(`${bookUrl}${gone}.vcf`)).status).toBe(404)
    expect(await (await http.get(groupHref)).text()).toContain(`urn:uuid:${survivor}`)
  })
})
