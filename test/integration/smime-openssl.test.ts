import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import MailComposer from 'nodemailer/lib/mail-composer'
import { QuireError } from '../../src-main/common/contract'
import { makeSmimeFixtures, type Person, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp, type SmimeApp } from '../fixtures/smime/smime-app'

// OpenSSL is the independent peer: whatever Quire makes, OpenSSL must open, and the other way round.

let fx: SmimeFixtures
let alice: SmimeApp
let bob: SmimeApp
let carol: SmimeApp
let n = 0

beforeAll(async () => {
  fx = makeSmimeFixtures()
  alice = await openSmimeApp(fx, fx.alice, [fx.bob])
  bob = await openSmimeApp(fx, fx.bob)
  carol = await openSmimeApp(fx, fx.carol)
})
afterAll(() => {
  for (const app of [alice, bob, carol]) app?.close()
  fx?.cleanup()
})

const TEXT = 'Grüße, Bob — this line has a trailing space \nand this one starts\nFrom the left.'

/** A message as compose builds it: nodemailer, UTF-8 text and an attachment. */
async function composed(from: Person, to: Person): Promise<Buffer> {
  return new MailComposer({
    from: from.email,
    to: to.email,
    subject: `S/MIME ${++n}`,
    text: TEXT,
    attachments: [{ filename: 'data.bin', content: Buffer.from([0, 1, 2, 3, 255, 254, 10, 13]) }],
    newline: 'windows',
  })
    .compile()
    .build()
}

function file(data: Buffer | string): string {
  const path = join(fx.dir, `message-${++n}.eml`)
  writeFileSync(path, data)
  return path
}

/** The text/plain part as OpenSSL hands it back, decoded. */
function textOf(mime: string): string {
  const qp = /Content-Type: text\/plain[^]*?\r?\n\r?\n([^]*?)\r?\n--/.exec(mime)?.[1] ?? ''
  return Buffer.from(qp.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
}

describe('what Quire signs and encrypts, OpenSSL opens', () => {
  it('a signed message (RSA, with the intermediate) verifies with openssl cms -verify and openssl smime -verify', async () => {
    const [signed] = await alice.service.protectMessages([await composed(fx.alice, fx.bob)], { accountId: alice.accountId, sign: true, encrypt: false, recipients: [] })
    expect(signed!.toString()).toMatch(/Content-Type: multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256;/)
    const path = file(signed!)
    expect(textOf(fx.openssl(['cms', '-verify', '-in', path, '-CAfile', fx.root]).toString())).toBe(TEXT.replace(/\n/g, '\r\n'))
    fx.openssl(['smime', '-verify', '-in', path, '-CAfile', fx.root, '-purpose', 'smimesign'])
    // and the signature is over the bytes in the message: one changed byte and OpenSSL refuses
    expect(() => fx.openssl(['cms', '-verify', '-in', file(signed!.toString('latin1').replace('data.bin', 'data.bim')), '-CAfile', fx.root])).toThrow(/Verification failure|digest failure/)
  })

  it('a signed message with an EC key (ECDSA) verifies', async () => {
    const [signed] = await carol.service.protectMessages([await composed(fx.carol, fx.bob)], { accountId: carol.accountId, sign: true, encrypt: false, recipients: [] })
    fx.openssl(['cms', '-verify', '-in', file(signed!), '-CAfile', fx.root])
  })

  it('an encrypted message decrypts with openssl cms -decrypt and bob’s key; alice can read her own (Sent) copy', async () => {
    const [encrypted] = await alice.service.protectMessages([await composed(fx.alice, fx.bob)], { accountId: alice.accountId, sign: false, encrypt: true, recipients: [fx.bob.email] })
    expect(encrypted!.toString()).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=enveloped-data/)
    const path = file(encrypted!)
    const cms = fx.openssl(['cms', '-cmsout', '-print', '-in', path]).toString()
    expect(cms).toContain('aes-256-cbc')
    expect(cms.match(/d\.ktri:/g)).toHaveLength(2) // bob and alice
    expect(textOf(fx.openssl(['cms', '-decrypt', '-in', path, '-recip', fx.bob.cert, '-inkey', fx.bob.key]).toString())).toBe(TEXT.replace(/\n/g, '\r\n'))
    const own = await alice.service.read(encrypted!)
    expect(own?.status).toMatchObject({ outcome: 'encrypted', encryptionAlgorithm: 'AES-256-CBC' })
  })

  it('signed then encrypted: OpenSSL decrypts with bob’s key, then verifies alice’s signature', async () => {
    const [protectedMessage] = await alice.service.protectMessages([await composed(fx.alice, fx.bob)], { accountId: alice.accountId, sign: true, encrypt: true, recipients: [fx.bob.email] })
    const decrypted = fx.openssl(['cms', '-decrypt', '-in', file(protectedMessage!), '-recip', fx.bob.cert, '-inkey', fx.bob.key])
    expect(decrypted.toString()).toMatch(/multipart\/signed/)
    expect(textOf(fx.openssl(['cms', '-verify', '-in', file(decrypted), '-CAfile', fx.root]).toString())).toBe(TEXT.replace(/\n/g, '\r\n'))
    // and Quire reads it as bob would
    expect((await bob.service.read(protectedMessage!))?.status).toMatchObject({ outcome: 'valid', signed: true, encrypted: true })
  })

  it('AES-GCM (authEnveloped-data) once bob’s signed mail said his client reads it', async () => {
    const [fromBob] = await bob.service.protectMessages([await composed(fx.bob, fx.alice)], { accountId: bob.accountId, sign: true, encrypt: false, recipients: [] })
    expect((await alice.service.read(fromBob!))?.status.outcome).toBe('valid')
    expect(alice.store.state().peers.find((p) => p.emails.includes(fx.bob.email))?.capabilities).toContain('2.16.840.1.101.3.4.1.46')
    const [encrypted] = await alice.service.protectMessages([await composed(fx.alice, fx.bob)], { accountId: alice.accountId, sign: true, encrypt: true, recipients: [fx.bob.email] })
    expect(encrypted!.toString()).toMatch(/smime-type=authEnveloped-data/)
    const decrypted = fx.openssl(['cms', '-decrypt', '-in', file(encrypted!), '-recip', fx.bob.cert, '-inkey', fx.bob.key])
    fx.openssl(['cms', '-verify', '-in', file(decrypted), '-CAfile', fx.root])
  })

  it('never silently downgrades: a recipient without a certificate is named', async () => {
    expect(alice.service.missingRecipientCertificates([fx.bob.email, 'dave@example.test'])).toEqual(['dave@example.test'])
    const error = await alice.service
      .protectMessages([await composed(fx.alice, fx.bob)], { accountId: alice.accountId, sign: true, encrypt: true, recipients: [fx.bob.email, 'dave@example.test'] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuireError)
    expect(error).toMatchObject({ code: 'SMIME_RECIPIENT_CERTIFICATE_MISSING', details: { addresses: ['dave@example.test'] } })
  })
})

describe('what OpenSSL signs and encrypts, Quire opens', () => {
  const body = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nHello Bob, this is from OpenSSL.\r\n'
  const headers = (from: string) => `From: Someone <${from}>\r\nTo: bob@example.test\r\nSubject: from OpenSSL\r\n`
  const input = () => file(body)

  function opensslSigned(p: Person, opaque: boolean, from = p.email): Buffer {
    const args = ['cms', '-sign', '-in', input(), '-signer', p.cert, '-inkey', p.key, '-certfile', p.chain, ...(opaque ? ['-nodetach'] : [])]
    return Buffer.from(headers(from) + fx.openssl(args).toString('latin1'), 'latin1')
  }

  it.each([
    ['RSA, detached', 'alice', false],
    ['RSA, opaque', 'alice', true],
    ['EC, detached', 'carol', false],
    ['EC, opaque', 'carol', true],
  ] as const)('%s: valid', async (_name, who, opaque) => {
    const result = await bob.service.read(opensslSigned(fx[who], opaque))
    expect(result?.status.outcome, result?.status.detail).toBe('valid')
    expect(result?.status.signer?.emails).toEqual([fx[who].email])
    expect(result?.message?.toString()).toMatch(/^From: Someone[^]*Subject: from OpenSSL\r\n[^]*Hello Bob, this is from OpenSSL\./)
  })

  it('content altered after signing: invalid', async () => {
    const altered = opensslSigned(fx.alice, false).toString('latin1').replace('Hello Bob', 'Hello Rob')
    const result = await bob.service.read(Buffer.from(altered, 'latin1'))
    expect(result?.status.outcome).toBe('invalid')
    expect(result?.message?.toString()).toContain('Hello Rob')
  })

  it('a signer whose certificate had expired: expired', async () => {
    const result = await bob.service.read(opensslSigned(fx.expired, false))
    expect(result?.status.outcome, result?.status.detail).toBe('expired')
  })

  it('a signer from a CA nobody trusts: untrusted', async () => {
    const result = await bob.service.read(opensslSigned(fx.stranger, false))
    expect(result?.status.outcome, result?.status.detail).toBe('untrusted')
  })

  it('a From address the certificate does not name: address mismatch', async () => {
    expect((await bob.service.read(opensslSigned(fx.alice, false, 'mallory@example.test')))?.status.outcome).toBe('address-mismatch')
  })

  it.each(['-aes128', '-aes256', '-aes-128-gcm', '-aes-256-gcm'])('encrypted to bob with %s: decrypts', async (cipher) => {
    const smime = fx.openssl(['cms', '-encrypt', '-in', input(), cipher, fx.bob.cert]).toString('latin1')
    const result = await bob.service.read(Buffer.from(headers(fx.alice.email) + smime, 'latin1'))
    expect(result?.status.outcome, result?.status.detail).toBe('encrypted')
    expect(result?.message?.toString()).toContain('Hello Bob, this is from OpenSSL.')
  })

  it('encrypted to carol’s EC key (ECDH): decrypts', async () => {
    const smime = fx.openssl(['cms', '-encrypt', '-in', input(), '-aes256', fx.carol.cert]).toString('latin1')
    expect((await carol.service.read(Buffer.from(headers(fx.alice.email) + smime, 'latin1')))?.status.outcome).toBe('encrypted')
  })

  it('signed by alice then encrypted to bob, streamed (BER): valid and encrypted', async () => {
    const signed = fx.openssl(['cms', '-sign', '-in', input(), '-signer', fx.alice.cert, '-inkey', fx.alice.key, '-certfile', fx.alice.chain])
    const smime = fx.openssl(['cms', '-encrypt', '-in', file(signed), '-aes256', '-stream', fx.bob.cert]).toString('latin1')
    const result = await bob.service.read(Buffer.from(headers(fx.alice.email) + smime, 'latin1'))
    expect(result?.status).toMatchObject({ outcome: 'valid', signed: true, encrypted: true, encryptionAlgorithm: 'AES-256-CBC' })
    expect(result?.message?.toString()).toContain('Hello Bob, this is from OpenSSL.')
  })

  it('encrypted for someone else: cannot decrypt', async () => {
    const smime = fx.openssl(['cms', '-encrypt', '-in', input(), '-aes256', fx.carol.cert]).toString('latin1')
    const result = await bob.service.read(Buffer.from(headers(fx.alice.email) + smime, 'latin1'))
    expect(result?.status.outcome).toBe('cannot-decrypt')
    expect(result?.message).toBeNull()
  })

  it('a valid signature teaches Quire the sender’s certificate for encrypting back; an untrusted one does not', async () => {
    const dave = await openSmimeApp(fx, fx.bob)
    try {
      await dave.service.read(opensslSigned(fx.stranger, false))
      expect(dave.service.missingRecipientCertificates([fx.alice.email])).toEqual([fx.alice.email])
      await dave.service.read(opensslSigned(fx.alice, false))
      expect(dave.service.missingRecipientCertificates([fx.alice.email])).toEqual([])
      expect(dave.store.state().peers).toMatchObject([{ emails: [fx.alice.email], source: 'mail', status: 'valid' }])
    } finally {
      dave.close()
    }
  })

  it('damaged structures give an outcome, never an exception', async () => {
    const signed = opensslSigned(fx.alice, false).toString('latin1')
    const brokenSignature = signed.replace(/(smime\.p7s"?\r?\n\r?\n)([A-Za-z0-9+/]{40})/, (_m, head: string) => `${head}${'A'.repeat(40)}`)
    expect((await bob.service.read(Buffer.from(brokenSignature, 'latin1')))?.status.outcome).toBe('invalid')
    const smime = fx.openssl(['cms', '-encrypt', '-in', input(), '-aes256', fx.bob.cert]).toString('latin1')
    const truncated = smime.slice(0, Math.floor(smime.length * 0.6))
    const result = await bob.service.read(Buffer.from(headers(fx.alice.email) + truncated, 'latin1'))
    expect(result?.status.outcome).toBe('cannot-decrypt')
    expect(await bob.service.read(Buffer.from(headers(fx.alice.email) + body, 'latin1'))).toBeNull()
  })
})
