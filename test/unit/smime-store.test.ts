import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileVault } from '../../src-main/accounts/file-vault'
import { QuireError } from '../../src-main/common/contract'
import { AccountId } from '../../src-main/common/domain/account'
import { certificateOf } from '../../src-main/smime/certificate'
import { CertificateStore } from '../../src-main/smime/certificate-store'
import { makeSmimeFixtures, pemFileToDer, type SmimeFixtures } from '../fixtures/smime/make-fixtures'

let fx: SmimeFixtures
const dirs: string[] = []
beforeAll(() => {
  fx = makeSmimeFixtures()
})
afterAll(() => {
  fx.cleanup()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const aliceAccount = AccountId.parse('account-alice')
const bobAccount = AccountId.parse('account-bob')

async function openStore(dir = mkdtempSync(join(tmpdir(), 'quire-smime-store-'))) {
  dirs.push(dir)
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const identities = { list: () => [{ id: aliceAccount, email: 'alice@example.test' }, { id: bobAccount, email: 'bob@example.test' }] }
  const store = await CertificateStore.open({ file: join(dir, 'smime.json'), vault, identities })
  await store.trust({ data: readFileSync(fx.root) })
  return { dir, vault, store }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return error instanceof QuireError ? error.code : String(error)
  }
  return undefined
}

describe('my certificates', () => {
  it('imports a .p12: the key goes to the vault only, the identity with that address gets it for signing and encryption', async () => {
    const { dir, vault, store } = await openStore()
    const own = await store.importPkcs12(readFileSync(fx.alice.p12), fx.alice.p12Password)
    expect(own).toMatchObject({ commonName: 'Alice Example', emails: ['alice@example.test'], status: 'valid', canSign: true, canEncrypt: true })
    expect(own.chain.map((c) => c.commonName)).toEqual(['Quire Test Intermediate CA'])
    expect(store.identity(aliceAccount)).toMatchObject({ signingCertificate: own.fingerprint, encryptionCertificate: own.fingerprint })
    expect(store.identity(bobAccount).signingCertificate).toBeNull()
    expect(await vault.names()).toEqual([`smime:${own.fingerprint.replace(/:/g, '').toLowerCase()}:key`])
    const file = readFileSync(join(dir, 'smime.json'), 'utf8')
    expect(file).not.toMatch(/PRIVATE KEY/)
    // a second store on the same files sees the same
    const again = await openStore(dir)
    expect(again.store.state().own.map((o) => o.fingerprint)).toEqual([own.fingerprint])
    const signer = await again.store.signer(aliceAccount)
    expect(signer.privateKey.asymmetricKeyType).toBe('rsa')
  })

  it('a wrong password is SMIME_WRONG_PASSWORD, a file that is no PKCS#12 SMIME_UNREADABLE', async () => {
    const { store, vault } = await openStore()
    expect(await codeOf(store.importPkcs12(readFileSync(fx.alice.p12), 'wrong'))).toBe('SMIME_WRONG_PASSWORD')
    expect(await codeOf(store.importPkcs12(readFileSync(fx.alice.cert), 'x'))).toBe('SMIME_UNREADABLE')
    expect(await vault.names()).toEqual([])
  })

  it('removing forgets the certificate, its key and the identity choices', async () => {
    const { store, vault } = await openStore()
    const own = await store.importPkcs12(readFileSync(fx.alice.p12), fx.alice.p12Password)
    await store.removeOwn(own.fingerprint)
    expect(store.state().own).toEqual([])
    expect(store.identity(aliceAccount).signingCertificate).toBeNull()
    expect(await vault.names()).toEqual([])
    expect(await codeOf(store.signer(aliceAccount))).toBe('SMIME_NO_SIGNING_CERTIFICATE')
  })
})

describe('other people’s certificates', () => {
  it('imports .pem, .cer (DER) and .p7c; lists them per address with their status', async () => {
    const { store } = await openStore()
    fx.openssl(['x509', '-in', fx.bob.cert, '-outform', 'DER', '-out', 'bob.cer'])
    fx.openssl(['crl2pkcs7', '-nocrl', '-certfile', fx.carol.cert, '-certfile', fx.root, '-outform', 'DER', '-out', 'carol.p7c'])
    expect((await store.importPeers(readFileSync(join(fx.dir, 'bob.cer')))).added.map((p) => p.emails)).toEqual([['bob@example.test']])
    const carol = await store.importPeers(readFileSync(join(fx.dir, 'carol.p7c')))
    expect(carol).toMatchObject({ authorities: 1, added: [{ emails: ['carol@example.test'], status: 'valid' }] })
    const expired = await store.importPeers(readFileSync(fx.expired.cert))
    expect(expired.added[0]?.status).toBe('expired')
    const stranger = await store.importPeers(readFileSync(fx.stranger.cert))
    expect(stranger.added[0]?.status).toBe('untrusted')
    expect(store.missingRecipientCertificates(['Bob@example.test', 'carol@example.test', 'alice@example.test', 'dave@example.test'])).toEqual(['alice@example.test', 'dave@example.test'])
    expect(await codeOf(store.importPeers(Buffer.from('not a certificate')))).toBe('SMIME_UNREADABLE')
  })

  it('several for one address: the newest valid one wins, the user can pick another', async () => {
    const { store } = await openStore()
    // a second certificate for bob's key, issued later by the same root
    fx.openssl(['req', '-new', '-key', fx.bob.key, '-subj', '/CN=Bob Again/emailAddress=bob@example.test', '-out', 'bob2.csr'])
    fx.openssl(['x509', '-req', '-in', 'bob2.csr', '-CA', fx.root, '-CAkey', join(fx.dir, 'root.key'), '-set_serial', '77', '-days', '30', '-extfile', join(fx.dir, 'ext.cnf'), '-extensions', 'rsa_user', '-out', 'bob2.pem'])
    const first = (await store.importPeers(readFileSync(fx.bob.cert))).added[0]!
    await new Promise((resolve) => setTimeout(resolve, 1100))
    fx.openssl(['x509', '-req', '-in', 'bob2.csr', '-CA', fx.root, '-CAkey', join(fx.dir, 'root.key'), '-set_serial', '78', '-days', '30', '-extfile', join(fx.dir, 'ext.cnf'), '-extensions', 'rsa_user', '-out', 'bob3.pem'])
    await store.importPeers(readFileSync(join(fx.dir, 'bob3.pem')))
    const newest = certificateOf(pemFileToDer(join(fx.dir, 'bob3.pem'))[0]!)
    expect(store.recipientFor('bob@example.test')?.certificate.fingerprint).toBe(newest.fingerprint)
    await store.preferPeer('bob@example.test', first.fingerprint)
    expect(store.recipientFor('bob@example.test')?.certificate.fingerprint).toBe(first.fingerprint)
    expect(store.state().peers.find((p) => p.fingerprint === first.fingerprint)?.preferredFor).toEqual(['bob@example.test'])
    await store.preferPeer('bob@example.test', null)
    expect(store.recipientFor('bob@example.test')?.certificate.fingerprint).toBe(newest.fingerprint)
  })
})

describe('trust', () => {
  it('a certificate from an unknown CA becomes valid once that CA — or the certificate itself — is trusted', async () => {
    const { store } = await openStore()
    const [stranger] = (await store.importPeers(readFileSync(fx.stranger.cert))).added
    expect(stranger?.status).toBe('untrusted')
    await store.trust({ fingerprint: stranger!.fingerprint })
    expect(store.state().peers[0]?.status).toBe('valid')
    await store.untrust(stranger!.fingerprint)
    expect(store.state().peers[0]?.status).toBe('untrusted')
    const [ca] = await store.trust({ data: readFileSync(fx.strangerCa) })
    expect(ca?.isCa).toBe(true)
    expect(store.state().peers[0]?.status).toBe('valid')
  })

  it('the system roots are on by default and can be turned off', async () => {
    const { store } = await openStore()
    expect(store.state().systemRootCount).toBeGreaterThan(50)
    await store.setPreferences({ cacheDecrypted: true, useSystemRoots: false })
    expect(store.state()).toMatchObject({ systemRootCount: 0, preferences: { cacheDecrypted: true, useSystemRoots: false } })
  })
})
