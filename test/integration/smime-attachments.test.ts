import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import MailComposer from 'nodemailer/lib/mail-composer'
import { inject } from 'vitest'
import { splitMessage } from '../../src-main/smime/mime-entity'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp, type SmimeApp } from '../fixtures/smime/smime-app'
import type { Account } from '../../src-main/common/domain/account'
import { appendRaw } from './support/imap-peer'
import { MailHarness } from './support/mail-harness'
import { MailSuite } from './support/mail-suite'

// OpenSSL is the sender: it encrypts (or opaque-signs) a multipart/mixed with files to bob, the
// server holds only the application/pkcs7-mime blob, and Quire lists and downloads what is inside.

const servers = inject('servers')
const suite = new MailSuite(servers, servers.users.bob)

let fx: SmimeFixtures
let bob: SmimeApp

beforeAll(async () => {
  fx = makeSmimeFixtures()
  expect(servers.users.bob.email).toBe(fx.bob.email)
  bob = await openSmimeApp(fx, fx.bob)
})
afterAll(() => {
  bob?.close()
  fx?.cleanup()
})

const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(20_000), Buffer.from('\n%%EOF\n')])
const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '00'.repeat(40), 'hex')

/** Main's mail service as the app wires it, opening S/MIME with bob's keys, and bob's account. */
async function withBobsMail(use: (mail: MailHarness, account: Account) => Promise<void>): Promise<void> {
  const mail = new MailHarness(servers, { smime: bob.service })
  try {
    await use(mail, mail.accounts.add(servers.users.bob))
  } finally {
    await mail.close()
  }
}

/** The MIME entity OpenSSL protects: text, HTML with a cid: image, a PDF and a binary file. */
async function entityFile(subject: string): Promise<string> {
  const raw = await new MailComposer({
    from: fx.alice.email,
    to: fx.bob.email,
    subject,
    text: 'The contract is attached.',
    html: '<p>The contract is attached.</p><img src="cid:logo@example.test">',
    attachments: [
      { filename: 'contract.pdf', content: pdf, contentType: 'application/pdf' },
      { filename: 'data.bin', content: binary, contentType: 'application/octet-stream' },
      { filename: 'logo.png', content: png, cid: 'logo@example.test' },
    ],
    newline: 'windows',
  })
    .compile()
    .build()
  const path = join(fx.dir, `entity-${randomUUID()}.mime`)
  writeFileSync(path, splitMessage(raw).entity)
  return path
}

/** The message OpenSSL makes of that entity. */
async function protectedBy(subject: string, protect: (entity: string, out: string) => void): Promise<Buffer> {
  const entity = await entityFile(subject)
  const out = join(fx.dir, `protected-${randomUUID()}.eml`)
  protect(entity, out)
  return readFileSync(out)
}

describe('attachments inside S/MIME messages from OpenSSL', () => {
  it('encrypted to bob: the files are listed with name, type and size, the cid: image shows, and each download is the original bytes', async () => {
    const subject = `Encrypted files ${randomUUID()}`
    const raw = await protectedBy(subject, (entity, out) =>
      fx.openssl(['cms', '-encrypt', '-in', entity, '-out', out, '-aes256', '-from', fx.alice.email, '-to', fx.bob.email, '-subject', subject, fx.bob.cert]),
    )
    expect(raw.toString()).toMatch(/application\/(x-)?pkcs7-mime; smime-type=enveloped-data/)
    expect(raw.toString()).not.toContain('contract.pdf')
    const { path } = await suite.folderWith('smime-attachments', 0)
    const uid = await appendRaw(suite.peer, path, raw)

    await withBobsMail(async (mail, account) => {
      const body = await mail.call('mail.body', { accountId: account.id, path, uid })
      expect(body.smime).toMatchObject({ outcome: 'encrypted', encrypted: true })
      // caching decrypted bodies is off in this profile: the body (and its list) is not kept
      expect(body.doNotCache).toBe(true)
      expect(body.text?.trim()).toBe('The contract is attached.')
      const contract = body.attachments.find((a) => a.filename === 'contract.pdf')
      const data = body.attachments.find((a) => a.filename === 'data.bin')
      expect(contract).toMatchObject({ contentType: 'application/pdf', size: pdf.length, inline: false, contentId: null })
      expect(data).toMatchObject({ contentType: 'application/octet-stream', size: binary.length, inline: false })
      expect(contract!.partId).toMatch(/^smime:\d+(\.\d+)*$/)
      expect(body.attachments.find((a) => a.filename === 'logo.png')).toMatchObject({ contentId: 'logo@example.test' })
      expect(body.inlineImages).toEqual([{ contentId: 'logo@example.test', contentType: 'image/png', base64: png.toString('base64') }])

      for (const [attachment, original] of [[contract!, pdf], [data!, binary]] as const) {
        const download = await mail.call('mail.attachment', { accountId: account.id, path, uid, partId: attachment.partId })
        expect(download.filename).toBe(attachment.filename)
        expect(download.contentType).toBe(attachment.contentType)
        expect(Buffer.from(download.base64, 'base64').equals(original)).toBe(true)
      }
      await expect(mail.call('mail.attachment', { accountId: account.id, path, uid, partId: 'smime:9' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })
  })

  it('opaque-signed by alice: the files inside the signed-data are listed and downloadable, not the .p7m', async () => {
    const subject = `Opaque signed files ${randomUUID()}`
    const raw = await protectedBy(subject, (entity, out) =>
      fx.openssl(['cms', '-sign', '-nodetach', '-in', entity, '-out', out, '-signer', fx.alice.cert, '-inkey', fx.alice.key, '-certfile', fx.alice.chain, '-from', fx.alice.email, '-to', fx.bob.email, '-subject', subject]),
    )
    expect(raw.toString()).toMatch(/smime-type=signed-data/)
    const { path } = await suite.folderWith('smime-opaque', 0)
    const uid = await appendRaw(suite.peer, path, raw)

    await withBobsMail(async (mail, account) => {
      const body = await mail.call('mail.body', { accountId: account.id, path, uid })
      expect(body.smime).toMatchObject({ outcome: 'valid', signed: true, encrypted: false })
      expect(body.attachments.map((a) => a.filename).sort()).toEqual(['contract.pdf', 'data.bin', 'logo.png'])
      const contract = body.attachments.find((a) => a.filename === 'contract.pdf')!
      const download = await mail.call('mail.attachment', { accountId: account.id, path, uid, partId: contract.partId })
      expect(Buffer.from(download.base64, 'base64').equals(pdf)).toBe(true)
    })
  })
})
