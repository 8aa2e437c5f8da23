import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import type { MessageKey } from '../../src-renderer/store/database'
import { parseQuery } from '../../src-renderer/search/query'
import { runSearch } from '../../src-renderer/search/run-search'
import { SearchIndex } from '../../src-renderer/search/search-index'
import { accountId, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

let n = 0

/** A synced store with its search index attached before the database opened, as the app does. */
async function indexedStore() {
  const index = new SearchIndex(`search-${++n}`)
  const store = storeOnFakeMain({}, undefined, `search-store-${n}`)
  index.attach(store.db)
  store.main.folder('INBOX')
  store.main.folder('Archive', { specialUse: 'archive' })
  store.main.deliver('INBOX', [
    header({ subject: 'Invoice for March', from: [{ name: 'Ada Lovelace', address: 'ada@example.org' }], snippet: 'Please pay by Friday', hasAttachments: true, internalDate: Date.UTC(2026, 2, 3) }),
    header({ subject: 'Lunch on Friday?', from: [{ name: 'Bob', address: 'bob@example.org' }], snippet: 'Ramen near the station', flags: ['\\Seen'], internalDate: Date.UTC(2026, 2, 5) }),
    header({ subject: 'Grüße aus Köln', from: [{ name: 'Zoë', address: 'zoe@example.org' }], snippet: 'Bis bald', flags: ['\\Flagged'], internalDate: Date.UTC(2026, 1, 20) }),
  ])
  store.main.deliver('Archive', [header({ subject: 'Old invoice', from: [{ name: 'Ada Lovelace', address: 'ada@example.org' }], flags: ['\\Seen'], internalDate: Date.UTC(2025, 11, 1) })])
  await store.coordinator.start()
  await store.coordinator.idle()
  await index.settled()
  const search = async (text: string) => {
    const found = await runSearch(index, store.db, parseQuery(text))
    const rows = await store.db.messages.bulkGet(found.map((entry) => entry.key))
    return rows.map((row) => row?.subject)
  }
  return { ...store, index, search }
}

describe('the local search index', () => {
  it('finds messages by word prefixes and operators, newest first', async () => {
    const { search } = await indexedStore()
    expect(await search('invoice')).toEqual(['Invoice for March', 'Old invoice'])
    expect(await search('inv fri')).toEqual(['Invoice for March'])
    expect(await search('from:ada')).toEqual(['Invoice for March', 'Old invoice'])
    expect(await search('from:ada in:archive')).toEqual(['Old invoice'])
    expect(await search('has:attachment')).toEqual(['Invoice for March'])
    expect(await search('is:unread')).toEqual(['Invoice for March', 'Grüße aus Köln'])
    expect(await search('is:flagged')).toEqual(['Grüße aus Köln'])
    expect(await search('grusse')).toEqual([])
    expect(await search('gruße koln')).toEqual(['Grüße aus Köln'])
    expect(await search('subject:lunch')).toEqual(['Lunch on Friday?'])
    expect(await search('after:2026-03-03 before:2026-03-06')).toEqual(['Lunch on Friday?'])
    expect(await search('nothing-like-this')).toEqual([])
  })

  it('follows the store: new mail, moves and fetched bodies change what is found', async () => {
    const { search, main, coordinator, db, index } = await indexedStore()
    main.deliver('INBOX', [header({ subject: 'Quarterly planning', snippet: 'Staffing draft' })])
    await coordinator.syncFolder(accountId, 'INBOX')
    await index.settled()
    expect(await search('staffing')).toEqual(['Quarterly planning'])

    const [lunch] = (await db.messages.where({ accountId, path: 'INBOX' }).toArray()).filter((row) => row.subject.startsWith('Lunch'))
    await db.bodies.put({ accountId, path: 'INBOX', uid: lunch!.uid, html: '<p>Tonkotsu or <b>shoyu</b>?</p>', text: null, attachments: [], inlineImages: [], fetchedAt: 0 })
    await index.settled()
    expect(await search('shoyu')).toEqual(['Lunch on Friday?'])

    await coordinator.actions.archive([{ accountId, path: 'INBOX', uid: lunch!.uid }])
    await index.settled()
    expect(await search('shoyu')).toEqual([])
  })

  it('a new session answers from what IndexedDB kept, entries from before dates were kept included', async () => {
    const { db, index } = await indexedStore()
    // as an older version wrote them: no date
    await index.db.entries.toCollection().modify((entry) => delete entry.date)
    const later = new SearchIndex(index.db.name)
    later.attach(db)
    const found = await runSearch(later, db, parseQuery('invoice'))
    const rows = await db.messages.bulkGet(found.map((entry) => entry.key))
    expect(rows.map((row) => row?.subject)).toEqual(['Invoice for March', 'Old invoice'])
    expect(found.map((entry) => entry.date)).toEqual(rows.map((row) => row?.internalDate))
    later.db.close()
  })

  it('catches up at start with what changed while it was not attached', async () => {
    const { db, index } = await indexedStore()
    await index.db.entries.clear()
    const stale: MessageKey = [accountId, 'Gone', 1]
    await index.db.entries.put({ accountId, path: 'Gone', uid: 1, words: ['ghost'], body: 0 })
    await index.catchUp()
    await index.settled()
    expect(await index.db.entries.count()).toBe(await db.messages.count())
    expect(await index.db.entries.get(stale)).toBeUndefined()
  })

  it('keeps the messages a folder reset wrote while a flush was running', async () => {
    const { db, index, search, main, coordinator } = await indexedStore()
    const archiveRange = (): [MessageKey, MessageKey] => [
      [accountId, 'Archive', Dexie.minKey as never],
      [accountId, 'Archive', Dexie.maxKey as never],
    ]
    const archived = await db.messages.where('[accountId+path+uid]').between(...archiveRange()).toArray()
    const reindex = index.reindex.bind(index)
    let reset = false
    vi.spyOn(index, 'reindex').mockImplementation(async (keys) => {
      if (!reset) {
        reset = true
        // while the flush works on its first batch: the folder reset, its range deleted and its
        // messages written again in one transaction (a new UIDVALIDITY, or a first sync)
        await db.transaction('rw', db.messages, async () => {
          await db.messages.where('[accountId+path+uid]').between(...archiveRange()).delete()
          await db.messages.bulkPut(archived)
        })
      }
      return reindex(keys)
    })
    main.deliver('INBOX', [header({ subject: 'Quarterly planning' })])
    await coordinator.syncFolder(accountId, 'INBOX')
    await index.settled()
    expect(reset).toBe(true)
    expect(await search('old invoice')).toEqual(['Old invoice'])
    expect(await search('quarterly')).toEqual(['Quarterly planning'])
  })
})
