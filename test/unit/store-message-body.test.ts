import 'fake-indexeddb/auto'
import { loadBody } from '../../src-renderer/store/message-body'
import { accountId, header, storeOnFakeMain, stopStores } from './store-fake-main'

afterEach(stopStores)

describe('message bodies', () => {
  it('fetches a body once and reads it from the cache after that', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.deliver('INBOX', [header({ subject: 'Agenda' })])
    await coordinator.start()
    await coordinator.idle()

    const message = { accountId, path: 'INBOX', uid: 1 }
    expect(await loadBody(db, main, message)).toMatchObject({ text: 'Body of Agenda', accountId, path: 'INBOX', uid: 1 })
    expect(await loadBody(db, main, message)).toMatchObject({ text: 'Body of Agenda' })
    expect(main.callsOf('mail.body')).toHaveLength(1)
  })

  it('does not keep the body of a message that left the cache while it was fetched', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.deliver('INBOX', [header()])
    await coordinator.start()
    await coordinator.idle()

    const release = main.hold('mail.body')
    const loading = loadBody(db, main, { accountId, path: 'INBOX', uid: 1 })
    await db.messages.delete([accountId, 'INBOX', 1])
    release()
    await loading
    expect(await db.bodies.count()).toBe(0)
  })

  it('shows, but does not keep, a decrypted body main says must stay out of the cache', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.deliver('INBOX', [header({ subject: 'Sealed' })])
    await coordinator.start()
    await coordinator.idle()

    main.bodyFields = { doNotCache: true }
    const message = { accountId, path: 'INBOX', uid: 1 }
    expect(await loadBody(db, main, message)).toMatchObject({ text: 'Body of Sealed', doNotCache: true })
    expect(await db.bodies.count()).toBe(0)
    // opened again, it is decrypted again
    await loadBody(db, main, message)
    expect(main.callsOf('mail.body')).toHaveLength(2)
  })
})
