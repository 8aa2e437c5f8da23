import { randomUUID } from 'node:crypto'
import MailComposer from 'nodemailer/lib/mail-composer'
import { inject } from 'vitest'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp, type SmimeApp } from '../fixtures/smime/smime-app'
import { FolderReplica } from './support/folder-replica'
import { appendRaw, freshFolder } from './support/imap-peer'
import { MailSuite } from './support/mail-suite'

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.alice)

let fx: SmimeFixtures
let alice: SmimeApp

beforeAll(async () => {
  fx = makeSmimeFixtures()
  alice = await openSmimeApp(fx, fx.alice, [fx.bob])
})
afterAll(() => {
  alice?.close()
  fx?.cleanup()
})

async function built(subject: string): Promise<Buffer> {
  return await new MailComposer({ from: fx.alice.email, to: fx.bob.email, subject, text: 'Sealed words', messageId: `<${randomUUID()}@example.test>`, newline: 'windows' }).compile().build()
}

describe('headers say which messages are S/MIME encrypted (search tells the user it could not look inside them)', () => {
  it('enveloped-data is encrypted; signed-only and plain mail are not', async () => {
    const path = freshFolder('encrypted-header')
    await suite.peer.mailboxCreate(path)
    const request = { accountId: alice.accountId, recipients: [fx.bob.email] }
    const [encrypted] = await alice.service.protectMessages([await built('Encrypted')], { ...request, sign: true, encrypt: true })
    const [signed] = await alice.service.protectMessages([await built('Signed')], { ...request, sign: true, encrypt: false })
    for (const raw of [encrypted!, signed!, await built('Plain')]) await appendRaw(suite.peer, path, raw)

    await suite.withMail(async (mail, account) => {
      const replica = new FolderReplica()
      await mail.syncAll(account.id, path, replica)
      const bySubject = Object.fromEntries([...replica.messages.values()].map((m) => [m.subject, m.encrypted ?? false]))
      expect(bySubject).toEqual({ Encrypted: true, Signed: false, Plain: false })
    })
  })
})
