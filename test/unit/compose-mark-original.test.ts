import 'fake-indexeddb/auto'
import type { MailTask } from '../../src-main/common/domain/mail'
import { markOriginal } from '../../src-renderer/store/compose/mark-original'
import { messagesById } from '../../src-renderer/store/message-queries'
import { accountId, header, stopStores, storeOnFakeMain } from './store-fake-main'

afterEach(stopStores)

describe('after a reply or forward is sent', () => {
  it('the original gets \\Answered or $Forwarded through the task queue, shown at once and sent to main', async () => {
    const { main, db, coordinator } = storeOnFakeMain()
    main.folder('INBOX')
    main.folder('Archive', { specialUse: 'archive' })
    main.deliver('INBOX', [header({ messageId: '<orig@example.org>' }), header({ messageId: '<other@example.org>' })])
    await coordinator.start()
    await coordinator.idle()

    // the original moved to Archive after the reply was started: it is found by its Message-ID
    main.deliver('Archive', [header({ messageId: '<orig@example.org>' })])
    await coordinator.syncFolder(accountId, 'Archive')
    await db.messages.delete([accountId, 'INBOX', 1])
    expect(await markOriginal(db, coordinator.tasks, { kind: 'reply', accountId, path: 'INBOX', uid: 1, messageId: '<orig@example.org>' })).toBe(true)
    const archived = (await messagesById(db, accountId, '<orig@example.org>'))[0]
    expect(archived).toMatchObject({ path: 'Archive', flags: ['\\Answered'] })

    expect(await markOriginal(db, coordinator.tasks, { kind: 'forward', accountId, path: 'INBOX', uid: 2, messageId: '<other@example.org>' })).toBe(true)
    expect((await db.messages.get([accountId, 'INBOX', 2]))?.flags).toEqual(['$Forwarded'])

    await vi.waitFor(() => expect(main.callsOf('mail.apply')).toHaveLength(2))
    expect(main.callsOf('mail.apply').map((input) => (input as { task: MailTask }).task)).toEqual([
      { kind: 'flags', path: 'Archive', uids: [archived!.uid], add: ['\\Answered'], remove: [] },
      { kind: 'flags', path: 'INBOX', uids: [2], add: ['$Forwarded'], remove: [] },
    ])
    // already answered: nothing more to do
    expect(await markOriginal(db, coordinator.tasks, { kind: 'reply', accountId, path: 'Archive', uid: archived!.uid, messageId: '<orig@example.org>' })).toBe(false)
  })
})
