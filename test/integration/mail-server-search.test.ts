import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import type { ProcedureInput } from '../../src-main/common/contract'
import { freshFolder } from './support/imap-peer'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.bob)

type Criteria = ProcedureInput<'mail.searchServer'>['criteria']
const nothing: Criteria = { words: [], from: [], to: [], subject: [], unread: null, flagged: null, before: null, since: null }

function message({ from, subject, body, date }: { from: string; subject: string; body: string; date: string }): string {
  return [
    `From: ${from}`,
    'To: bob@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${randomUUID()}@example.test>`,
    `Date: ${date}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n')
}

describe('mail.searchServer: IMAP SEARCH for what the cache does not hold', () => {
  it('finds messages by words (all of them), sender, subject, flags and dates, newest first, with the total', async () => {
    const path = freshFolder('server-search')
    const word = `zebra${randomUUID().slice(0, 6)}`
    await suite.peer.mailboxCreate(path)
    const old = await suite.peer.append(path, message({ from: 'Ada <ada@example.test>', subject: 'Old minutes', body: `The ${word} met in 2020.`, date: 'Fri, 01 May 2020 10:00:00 +0000' }), ['\\Seen'], new Date('2020-05-01T10:00:00Z'))
    const recent = await suite.peer.append(path, message({ from: 'Grace <grace@example.test>', subject: 'Budget', body: `A ${word} and a quokka.`, date: 'Mon, 02 Feb 2026 10:00:00 +0000' }), ['\\Flagged'], new Date('2026-02-02T10:00:00Z'))
    await suite.peer.append(path, message({ from: 'Ada <ada@example.test>', subject: 'Unrelated', body: 'Nothing to see.', date: 'Tue, 03 Feb 2026 10:00:00 +0000' }), [], new Date('2026-02-03T10:00:00Z'))
    const oldUid = old && old.uid
    const recentUid = recent && recent.uid

    await suite.withMail(async (mail, account) => {
      const search = (criteria: Partial<Criteria>, folders = [{ path, before: null as string | null }]) =>
        mail.call('mail.searchServer', { accountId: account.id, folders, criteria: { ...nothing, ...criteria } })

      const byWord = await search({ words: [word] })
      expect(byWord.total).toBe(2)
      expect(byWord.messages.map((m) => [m.path, m.uid])).toEqual([
        [path, recentUid],
        [path, oldUid],
      ])
      expect(byWord.messages[0]).toMatchObject({ subject: 'Budget', from: [{ name: 'Grace', address: 'grace@example.test' }] })
      expect(byWord.failed).toEqual([])

      // every word must be there (the second one only in the recent message's body)
      expect((await search({ words: [word, 'quokka'] })).messages.map((m) => m.uid)).toEqual([recentUid])
      expect((await search({ from: ['ada'], words: [word] })).messages.map((m) => m.uid)).toEqual([oldUid])
      expect((await search({ subject: ['budget'] })).messages.map((m) => m.uid)).toEqual([recentUid])
      expect((await search({ words: [word], unread: false })).messages.map((m) => m.uid)).toEqual([oldUid])
      expect((await search({ words: [word], flagged: true })).messages.map((m) => m.uid)).toEqual([recentUid])
      expect((await search({ words: [word], since: '2025-01-01' })).messages.map((m) => m.uid)).toEqual([recentUid])
      expect((await search({ words: [word], before: '2025-01-01' })).messages.map((m) => m.uid)).toEqual([oldUid])
      // a folder cached since 2024 is searched on the server for older mail only
      expect((await search({ words: [word] }, [{ path, before: '2024-01-01' }])).messages.map((m) => m.uid)).toEqual([oldUid])
      // the limit keeps the newest, the total says how many there were
      const limited = await mail.call('mail.searchServer', { accountId: account.id, folders: [{ path, before: null }], criteria: { ...nothing, words: [word] }, limit: 1 })
      expect(limited).toMatchObject({ total: 2, messages: [{ uid: recentUid }] })
    })
  })

  it('a folder the server does not have is reported, the others still answer', async () => {
    const path = freshFolder('server-search-ok')
    await suite.peer.mailboxCreate(path)
    await suite.peer.append(path, message({ from: 'Ada <ada@example.test>', subject: 'Here', body: 'walrus', date: 'Mon, 02 Feb 2026 10:00:00 +0000' }))
    await suite.withMail(async (mail, account) => {
      const result = await mail.call('mail.searchServer', {
        accountId: account.id,
        folders: [
          { path: freshFolder('never-created'), before: null },
          { path, before: null },
        ],
        criteria: { ...nothing, words: ['walrus'] },
      })
      expect(result.messages.map((m) => m.subject)).toEqual(['Here'])
      expect(result.failed).toEqual([{ path: expect.stringContaining('never-created'), error: expect.objectContaining({ code: 'NOT_FOUND' }) }])
    })
  })
})
