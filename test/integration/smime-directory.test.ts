import { createHash, randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MailComposer from 'nodemailer/lib/mail-composer'
import { inject } from 'vitest'
import { AccountRegistry } from '../../src-main/accounts/account-registry'
import { CertificateTrust } from '../../src-main/accounts/certificate-trust'
import { FileVault } from '../../src-main/accounts/file-vault'
import { QuireError } from '../../src-main/common/contract'
import { DirectorySettings } from '../../src-main/common/domain/directory'
import { DirectoryRegistry } from '../../src-main/directory/directory-registry'
import { DirectoryService } from '../../src-main/directory/directory-service'
import { certificateOf } from '../../src-main/smime/certificate'
import { smimeHandlers } from '../../src-main/smime/smime-handlers'
import { SmimeService } from '../../src-main/smime/smime-service'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { openSmimeApp, type SmimeApp } from '../fixtures/smime/smime-app'

// The harness's OpenLDAP publishes alice's self-signed certificate (userCertificate;binary); its
// key is in the harness's certs/. Bob encrypts to alice without having her certificate.

const servers = inject('servers')
const signal = new AbortController().signal
const ALICE = 'alice@example.test'
const aliceDer = () => readFileSync(join(servers.dir, 'certs', 'alice-smime.der'))
const aliceKey = join(servers.dir, 'certs', 'alice-smime.key')

let fx: SmimeFixtures
let dir: string
let directory: DirectoryService
const apps: SmimeApp[] = []

beforeAll(async () => {
  fx = makeSmimeFixtures()
  dir = mkdtempSync(join(tmpdir(), 'quire-smime-directory-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const accounts = await AccountRegistry.open({ file: join(dir, 'accounts.json'), vault, trust: await CertificateTrust.open(join(dir, 'trusted.json')) })
  const registry = await DirectoryRegistry.open({ file: join(dir, 'directories.json'), vault })
  // the test CA vouches for the LDAP server, as a system CA would
  directory = new DirectoryService(registry, (host, port) => ({ ...accounts.tlsOptions(host, port), ca: servers.caCert }))
  await registry.add(DirectorySettings.parse({ name: 'Example', url: servers.ldapUrl, baseDn: servers.ldapBaseDn, timeoutSeconds: 5 }), undefined)
})
afterAll(() => {
  directory?.close()
  for (const app of apps) app.close()
  fx?.cleanup()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function bobWithDirectory(): Promise<{ app: SmimeApp; service: SmimeService }> {
  const app = await openSmimeApp(fx, fx.bob)
  apps.push(app)
  return { app, service: new SmimeService(app.store, directory) }
}

async function composed(subject: string): Promise<Buffer> {
  return await new MailComposer({ from: fx.bob.email, to: ALICE, subject, text: 'Meet at the lighthouse at nine.', newline: 'windows' }).compile().build()
}

describe('S/MIME certificates from the LDAP directory', () => {
  it('certificatesFor finds alice’s userCertificate;binary as DER', async () => {
    const found = await directory.certificatesFor(ALICE, signal)
    expect(found.map((b64) => Buffer.from(b64, 'base64'))).toEqual([aliceDer()])
  })

  it('an untrusted directory certificate is offered, never used; once bob trusts it, the message is encrypted to it and opens with alice’s key in OpenSSL', async () => {
    const { app, service } = await bobWithDirectory()
    const handlers = smimeHandlers(app.store, service)
    const fingerprint = createHash('sha256').update(aliceDer()).digest('hex').toUpperCase().match(/../g)!.join(':')

    const looked = await handlers['smime.missingCertificates']({ addresses: [ALICE] }, { signal })
    expect(looked.missing).toEqual([ALICE])
    expect(looked.offers).toHaveLength(1)
    expect(looked.offers[0]).toMatchObject({ address: ALICE, fingerprint, commonName: 'Alice Example', selfSigned: true, status: 'untrusted', emails: [ALICE] })
    expect(looked.offers[0]!.issuer).toContain('CN=Alice Example')
    expect(looked.offers[0]!.reason).toMatch(/do not trust/)
    // offered is not kept, and not used
    expect(app.store.state().peers).toEqual([])
    const refused = await service.protectMessages([await composed('refused')], { accountId: app.accountId, sign: false, encrypt: true, recipients: [ALICE] }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(QuireError)
    expect(refused).toMatchObject({ code: 'SMIME_RECIPIENT_CERTIFICATE_MISSING', details: { addresses: [ALICE], offers: [{ fingerprint, address: ALICE }] } })

    // a fingerprint the directory did not offer for this address is refused
    await expect(handlers['smime.acceptDirectoryCertificate']({ address: 'carol@example.test', fingerprint }, { signal })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const accepted = await handlers['smime.acceptDirectoryCertificate']({ address: ALICE, fingerprint }, { signal })
    expect(accepted).toMatchObject({ fingerprint, source: 'directory', status: 'valid', trustedAsIs: true, preferredFor: [ALICE] })
    expect(app.store.state().peers.map((p) => [p.emails, p.source])).toEqual([[[ALICE], 'directory']])
    expect(await handlers['smime.missingCertificates']({ addresses: [ALICE] }, { signal })).toEqual({ missing: [], offers: [] })

    const subject = `From the directory ${randomUUID()}`
    const [encrypted] = await service.protectMessages([await composed(subject)], { accountId: app.accountId, sign: false, encrypt: true, recipients: [ALICE] })
    expect(encrypted!.toString()).toMatch(/application\/pkcs7-mime; smime-type=enveloped-data/)
    expect(encrypted!.toString()).not.toContain('lighthouse')
    const file = join(fx.dir, `to-alice-${randomUUID()}.eml`)
    writeFileSync(file, encrypted!)
    const cert = join(fx.dir, 'alice-directory.pem')
    fx.openssl(['x509', '-inform', 'DER', '-in', join(servers.dir, 'certs', 'alice-smime.der'), '-out', cert])
    const opened = fx.openssl(['cms', '-decrypt', '-in', file, '-recip', cert, '-inkey', aliceKey]).toString()
    expect(opened).toContain('Meet at the lighthouse at nine.')

    // trusted as it is, not as an authority: alice's CA:TRUE certificate vouches for no one else
    expect(certificateOf(aliceDer()).isCa).toBe(true)
    fx.openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(fx.dir, 'mallory.key'), '-subj', '/CN=Mallory/emailAddress=mallory@example.test', '-out', join(fx.dir, 'mallory.csr')])
    fx.openssl(['x509', '-req', '-in', join(fx.dir, 'mallory.csr'), '-CA', cert, '-CAkey', aliceKey, '-CAcreateserial', '-days', '30', '-outform', 'DER', '-out', join(fx.dir, 'mallory.der')])
    expect(app.store.assess(certificateOf(readFileSync(join(fx.dir, 'mallory.der')))).status).toBe('untrusted')
  })

  it('a directory certificate that chains to a root bob trusts is used at once and kept as “from the directory”', async () => {
    const { app, service } = await bobWithDirectory()
    await app.store.trust({ data: aliceDer() })
    const handlers = smimeHandlers(app.store, service)
    expect(await handlers['smime.missingCertificates']({ addresses: [ALICE, fx.bob.email] }, { signal })).toEqual({ missing: [], offers: [] })
    expect(app.store.state().peers).toMatchObject([{ emails: [ALICE], source: 'directory', status: 'valid' }])
    const [encrypted] = await service.protectMessages([await composed('trusted')], { accountId: app.accountId, sign: false, encrypt: true, recipients: [ALICE] })
    expect(encrypted!.toString()).toMatch(/enveloped-data/)
  })

  it('without a directory (or with nobody there) the address is simply missing', async () => {
    const { app } = await bobWithDirectory()
    const bare = new SmimeService(app.store)
    expect(await bare.resolveRecipients([ALICE])).toEqual({ missing: [ALICE], offers: [] })
    const { service } = await bobWithDirectory()
    expect(await service.resolveRecipients(['nobody@example.test'])).toEqual({ missing: ['nobody@example.test'], offers: [] })
  })
})
