import 'fake-indexeddb/auto'
import { Dexie } from 'dexie'
import { mirrorAccounts } from '../../src-renderer/store/accounts'
import { mirrorFolders } from '../../src-renderer/store/folders'
import { account, accountId, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

/** A read of the mail tables that stays open until released, like the list reading a 100k folder in chunks. */
function longRead(db: Dexie, tables: string[]) {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const done = db.transaction('r', tables, () => Dexie.waitFor(gate))
  return { release, done }
}

/** Whether `work` settles while `read` is still open (a write over the read's tables would wait for it). */
async function settlesDuring<T>(read: { release: () => void; done: Promise<unknown> }, work: Promise<T>): Promise<boolean> {
  const settled = await Promise.race([work.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 300))])
  read.release()
  await read.done
  await work
  return settled
}

describe('mirroring accounts and folders at start', () => {
  it('does not wait for reads of the mail tables when nothing is removed, and still removes what left', async () => {
    const { db, main, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.folder('Old')
    main.deliver('Old', [header({ subject: 'Leaving' })])
    await coordinator.start()
    await coordinator.idle()
    coordinator.stop()
    const folders = (await db.folders.toArray()).map(({ accountId: _a, syncEnabled: _s, syncSinceDays: _d, ...folder }) => folder)

    expect(await settlesDuring(longRead(db, ['messages', 'folders']), mirrorAccounts(db, [account()]))).toBe(true)
    expect(await settlesDuring(longRead(db, ['messages']), mirrorFolders(db, accountId, folders))).toBe(true)

    await mirrorFolders(db, accountId, folders.filter((folder) => folder.path !== 'Old'))
    expect(await db.messages.where('[accountId+path+uid]').between([accountId, 'Old', Dexie.minKey], [accountId, 'Old', Dexie.maxKey]).count()).toBe(0)
    await mirrorAccounts(db, [])
    expect(await db.messages.count()).toBe(0)
    expect(await db.folders.count()).toBe(0)
  })
})
