import { inject } from 'vitest'
import { randomUUID } from 'node:crypto'
import { createTransport } from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp, type SmimeApp } from '../fixtures/smime/smime-app'
import { connectPeer } from './support/imap-peer'

const servers = inject('servers')

let fx: SmimeFixtures
let alice: SmimeApp
let bob: SmimeApp

beforeAll(async () => {
  fx = makeSmimeFixtures()
  // the test servers' users are alice@ and bob@example.test, the addresses in the fixture certificates
  expect([servers.users.alice.email, servers.users.bob.email]).toEqual([fx.alice.email, fx.bob.email])
  alice = await openSmimeApp(fx, fx.alice, [fx.bob])
  bob = await openSmimeApp(fx, fx.bob)
})
afterAll(() => {
  alice?.close()
  bob?.close()
  fx?.cleanup()
})

async function fetchBySubject(user: typeof servers.users.alice, folder: string, subject: string): Promise<Buffer> {
  const client = await connectPeer(servers, user)
  try {
    await client.mailboxOpen(folder)
    // OpenSMTPD retries a temporarily failed LMTP delivery after about 10 s
    const deadline = Date.now() + 20_000
    for (;;) {
      const uids = (await client.search({ header: { subject } }, { uid: true })) || []
      if (uids.length > 0) {
        const message = await client.fetchOne(String(uids[0]), { source: true }, { uid: true })
        if (!message || !message.source) throw new Error('no source')
        return message.source
      }
      if (Date.now() > deadline) throw new Error(`${subject} did not arrive in ${folder}`)
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
  } finally {
    await client.logout()
  }
}

describe('a signed and encrypted message through the real servers', () => {
  it('alice sends over submission; bob reads it over IMAP, decrypted with a valid signature; alice’s Sent copy opens for her', async () => {
    const subject = `S/MIME ${randomUUID()}`
    const build = (keepBcc: boolean) => {
      const composer = new MailComposer({
        from: { name: 'Alice Example', address: fx.alice.email },
        to: fx.bob.email,
        subject,
        text: 'Hi Bob, the numbers are attached. — Alice',
        html: '<p>Hi Bob, the numbers are <b>attached</b>. — Alice</p>',
        attachments: [{ filename: 'numbers.csv', content: 'a,b\n1,2\n' }],
        messageId: `<${randomUUID()}@example.test>`,
        newline: 'windows',
      }).compile()
      composer.keepBcc = keepBcc
      return composer.build()
    }
    const [submission, copy] = await alice.service.protectMessages([await build(false), await build(true)], {
      accountId: alice.accountId,
      sign: true,
      encrypt: true,
      recipients: [fx.bob.email],
    })

    const transport = createTransport({
      host: servers.submission.host,
      port: servers.submission.port,
      secure: false,
      requireTLS: true,
      tls: { ca: servers.caCert },
      auth: { user: servers.users.alice.email, pass: servers.users.alice.password },
    })
    const sent = await transport.sendMail({ envelope: { from: fx.alice.email, to: [fx.bob.email] }, raw: submission! })
    expect(sent.accepted).toEqual([fx.bob.email])

    const received = await fetchBySubject(servers.users.bob, 'INBOX', subject)
    expect(received.toString()).not.toContain('numbers are')
    const opened = await bob.service.read(received)
    expect(opened?.status).toMatchObject({ outcome: 'valid', signed: true, encrypted: true, from: fx.alice.email, signer: { emails: [fx.alice.email] } })
    const inner = opened!.message!.toString()
    expect(inner).toContain(`Subject: ${subject}`)
    expect(inner).toContain('Hi Bob, the numbers are attached.')
    expect(inner).toContain('numbers.csv')

    // the Sent copy, filed the way compose files it
    const imap = await connectPeer(servers, servers.users.alice)
    try {
      await imap.append('Sent', copy!, ['\\Seen'])
    } finally {
      await imap.logout()
    }
    const own = await alice.service.read(await fetchBySubject(servers.users.alice, 'Sent', subject))
    expect(own?.status).toMatchObject({ outcome: 'valid', encrypted: true })
    expect(own?.message?.toString()).toContain('Hi Bob, the numbers are attached.')
  })
})
