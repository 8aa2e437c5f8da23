import 'fake-indexeddb/auto'
import { parseQuery } from '../../src-renderer/search/query'
import { runSearch } from '../../src-renderer/search/run-search'
import { SearchIndex } from '../../src-renderer/search/search-index'
import { QuireDatabase } from '../../src-renderer/store/database'
import { accountId, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(() => {
  stopStores()
  vi.restoreAllMocks()
})

let n = 0

/** What the start compares key by key (the folders it could not trust), spied on every index. */
const compared = () => vi.spyOn(SearchIndex.prototype as unknown as { compareFolders: (folders: unknown[]) => Promise<void> }, 'compareFolders')

/**
 * A session of the app: the store synced on the fake main with the search index attached before
 * the database opened, and the start's catch-up done, as `mail-startup.ts` does it.
 */
async function firstSession() {
  const indexName = `catch-up-index-${++n}`
  const store = storeOnFakeMain({}, undefined, `catch-up-store-${n}`)
  const index = new SearchIndex(indexName)
  index.attach(store.db)
  store.main.folder('INBOX')
  store.main.folder('Archive', { specialUse: 'archive' })
  store.main.deliver('INBOX', [
    header({ subject: 'Invoice for March', snippet: 'Please pay by Friday' }),
    header({ subject: 'Lunch on Friday?', snippet: 'Ramen near the station' }),
  ])
  store.main.deliver('Archive', [header({ subject: 'Old invoice', snippet: 'Paid long ago' })])
  await store.coordinator.start()
  await store.coordinator.idle()
  await index.catchUp()
  await index.settled()
  return { ...store, index, indexName }
}

/** The app started again on the same databases: a new store connection and a new index attached before it opens. */
async function restart(storeName: string, indexName: string) {
  const db = new QuireDatabase(storeName)
  const index = new SearchIndex(indexName)
  index.attach(db)
  await db.open()
  const search = async (text: string) => {
    await index.ready()
    const found = await runSearch(index, db, parseQuery(text))
    const rows = await db.messages.bulkGet(found.map((entry) => entry.key))
    return rows.map((row) => row?.subject).sort()
  }
  return { db, index, search }
}

describe('the search index at start', () => {
  it('finds what was added and not what was removed while the app closed before indexing it', async () => {
    const { main, coordinator, index, name, indexName } = await firstSession()
    // the page goes away before the index writes what the store noted: its batches never finish
    vi.spyOn(index, 'reindex').mockReturnValue(new Promise(() => {}))
    const [invoice] = main.messages('INBOX').filter((m) => m.subject.startsWith('Invoice'))
    main.expunge('INBOX', [invoice!.uid])
    main.deliver('INBOX', [header({ subject: 'Staffing plan', snippet: 'Quarterly headcount' })])
    await coordinator.syncFolder(accountId, 'INBOX')
    coordinator.stop()

    // one message in and one out: the folder's count is as before, only its mark tells
    const later = await restart(name, indexName)
    expect(await later.db.messages.count()).toBe(3)
    await later.index.catchUp()
    await later.index.settled()
    expect(await later.search('staffing')).toEqual(['Staffing plan'])
    expect(await later.search('invoice')).toEqual(['Old invoice'])
    expect(await later.search('headcount')).toEqual(['Staffing plan'])
  })

  it('compares no keys when the last session indexed everything it wrote', async () => {
    const { main, coordinator, index, name, indexName } = await firstSession()
    main.deliver('Archive', [header({ subject: 'Budget review' })])
    await coordinator.syncFolder(accountId, 'Archive')
    await index.settled()
    coordinator.stop()

    const spy = compared()
    const later = await restart(name, indexName)
    await later.index.catchUp()
    await later.index.settled()
    expect(spy).not.toHaveBeenCalled()
    expect(await later.search('budget')).toEqual(['Budget review'])
  })

  it('compares a folder whose entries were lost although its mark says in step (a commit lost in a crash)', async () => {
    const { db, index, name, indexName, coordinator } = await firstSession()
    coordinator.stop()
    const [lunch] = (await db.messages.toArray()).filter((row) => row.subject.startsWith('Lunch'))
    await index.db.entries.delete([lunch!.accountId, lunch!.path, lunch!.uid])

    const spy = compared()
    const later = await restart(name, indexName)
    await later.index.catchUp()
    await later.index.settled()
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy.mock.calls[0]![0]).toEqual([[accountId, 'INBOX']])
    expect(await later.search('ramen')).toEqual(['Lunch on Friday?'])
  })

  it('indexes a body that arrived while the app closed before indexing it', async () => {
    const { db, index, name, indexName, coordinator } = await firstSession()
    coordinator.stop()
    vi.spyOn(index, 'reindex').mockReturnValue(new Promise(() => {}))
    const [lunch] = (await db.messages.toArray()).filter((row) => row.subject.startsWith('Lunch'))
    await db.bodies.put({ accountId, path: 'INBOX', uid: lunch!.uid, html: '<p>Tonkotsu or <b>shoyu</b>?</p>', text: null, attachments: [], inlineImages: [], fetchedAt: 0 })

    const later = await restart(name, indexName)
    await later.index.catchUp()
    await later.index.settled()
    expect(await later.search('shoyu')).toEqual(['Lunch on Friday?'])
  })

  it('catches up with a folder reset the last session did not index, and a folder gone from the store', async () => {
    const { db, index, name, indexName, coordinator } = await firstSession()
    coordinator.stop()
    vi.spyOn(index, 'reindex').mockReturnValue(new Promise(() => {}))
    // a range deleted wider than one folder (an account removed): every folder is compared
    await db.messages.clear()
    await db.bodies.clear()

    const later = await restart(name, indexName)
    await later.index.catchUp()
    await later.index.settled()
    expect(await later.index.db.entries.count()).toBe(0)
    expect(await later.search('invoice')).toEqual([])
  })

  it('waits for the app to have shown its list, unless a search needs the index first', async () => {
    const { main, coordinator, index, name, indexName } = await firstSession()
    vi.spyOn(index, 'reindex').mockReturnValue(new Promise(() => {}))
    main.deliver('INBOX', [header({ subject: 'Staffing plan' })])
    await coordinator.syncFolder(accountId, 'INBOX')
    coordinator.stop()

    const later = await restart(name, indexName)
    let done = false
    const caughtUp = later.index.catchUp(new Promise(() => {})).then(() => (done = true))
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(done).toBe(false)
    // the user searches: the index is wanted now
    await later.index.ready()
    await caughtUp
    await later.index.settled()
    expect(await later.search('staffing')).toEqual(['Staffing plan'])
  })
})
