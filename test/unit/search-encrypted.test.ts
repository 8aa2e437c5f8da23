import 'fake-indexeddb/auto'
import { countUnsearchedEncrypted, unsearchedEncryptedText } from '../../src-renderer/search/encrypted-skipped'
import { parseQuery } from '../../src-renderer/search/query'
import { runSearch } from '../../src-renderer/search/run-search'
import { SearchIndex } from '../../src-renderer/search/search-index'
import { loadBody } from '../../src-renderer/store/message-body'
import { accountId, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

let n = 0

async function storeWithEncryptedMail() {
  const index = new SearchIndex(`search-encrypted-${++n}`)
  const store = storeOnFakeMain({}, undefined, `search-encrypted-store-${n}`)
  index.attach(store.db)
  store.main.folder('INBOX')
  store.main.folder('Archive', { specialUse: 'archive' })
  store.main.deliver('INBOX', [
    header({ subject: 'Plain budget', snippet: 'The budget is attached' }),
    header({ subject: 'Sealed 1', from: [{ name: 'Ada', address: 'ada@example.org' }], encrypted: true }),
    header({ subject: 'Sealed 2', from: [{ name: 'Bob', address: 'bob@example.org' }], encrypted: true }),
  ])
  store.main.deliver('Archive', [header({ subject: 'Sealed budget', encrypted: true })])
  await store.coordinator.start()
  await store.coordinator.idle()
  await index.settled()
  const skipped = async (text: string) => {
    const query = parseQuery(text)
    const found = await runSearch(index, store.db, query)
    return countUnsearchedEncrypted(index, store.db, query, found.map((entry) => entry.key))
  }
  return { ...store, index, skipped }
}

describe('encrypted messages in a search', () => {
  it('counts the encrypted messages in scope whose bodies were not searched, not those found anyway', async () => {
    const { skipped } = await storeWithEncryptedMail()
    expect(await skipped('budget')).toBe(2) // Sealed budget is found by its subject
    expect(await skipped('budget in:inbox')).toBe(2)
    expect(await skipped('budget in:archive')).toBe(0)
    expect(await skipped('budget from:ada')).toBe(1)
    // only words are looked for in bodies: operators alone skip nothing
    expect(await skipped('from:ada')).toBe(0)
  })

  it('a body kept decrypted (allowed in Settings → Security) is searched, one kept out is not', async () => {
    const { skipped, db, main, index } = await storeWithEncryptedMail()
    const rows = await db.messages.where({ accountId, path: 'INBOX' }).toArray()
    const sealed1 = rows.find((row) => row.subject === 'Sealed 1')!
    const sealed2 = rows.find((row) => row.subject === 'Sealed 2')!
    main.bodyFields = { doNotCache: true }
    await loadBody(db, main, sealed1)
    await index.settled()
    expect(await skipped('budget')).toBe(2)
    main.bodyFields = {}
    await loadBody(db, main, sealed2)
    await index.settled()
    expect(await skipped('budget')).toBe(1)
  })

  it('says how many, in words', () => {
    expect(unsearchedEncryptedText(0)).toBeNull()
    expect(unsearchedEncryptedText(1)).toBe('1 encrypted message was not searched: its body is not kept decrypted on this computer.')
    expect(unsearchedEncryptedText(3)).toBe('3 encrypted messages were not searched: their bodies are not kept decrypted on this computer.')
  })
})
