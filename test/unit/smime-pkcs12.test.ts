import { readFileSync } from 'node:fs'
import { createPublicKey } from 'node:crypto'
import { certificateOf, summarize } from '../../src-main/smime/certificate'
import { Pkcs12PasswordError, readPkcs12 } from '../../src-main/smime/pkcs12'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'

let fx: SmimeFixtures
beforeAll(() => {
  fx = makeSmimeFixtures()
})
afterAll(() => fx.cleanup())

describe('PKCS#12 made by OpenSSL', () => {
  it('opens the OpenSSL 3 default format (PBES2 AES-256-CBC, HMAC-SHA256) with key, certificate and chain', () => {
    const contents = readPkcs12(readFileSync(fx.alice.p12), fx.alice.p12Password)
    const leaf = certificateOf(contents.certificate)
    expect(leaf.emails).toEqual(['alice@example.test'])
    expect(createPublicKey(contents.privateKey).export({ type: 'spki', format: 'der' })).toEqual(leaf.publicKey.export({ type: 'spki', format: 'der' }))
    expect(contents.chain.map((c) => summarize(certificateOf(c)).commonName)).toEqual(['Quire Test Intermediate CA'])
    const summary = summarize(leaf)
    expect(summary).toMatchObject({ commonName: 'Alice Example', issuerCommonName: 'Quire Test Intermediate CA', keyAlgorithm: 'RSA 2048', canSign: true, canEncrypt: true, isCa: false })
    const fingerprint = fx.openssl(['x509', '-in', fx.alice.cert, '-noout', '-fingerprint', '-sha256']).toString().trim().split('=')[1]
    expect(summary.fingerprint).toBe(fingerprint)
  })

  it('opens the PKCS#12 3DES scheme with a SHA-1 MAC', () => {
    const contents = readPkcs12(readFileSync(fx.alice3desP12), 'alice-3des')
    expect(certificateOf(contents.certificate).emails).toEqual(['alice@example.test'])
  })

  it('an EC key', () => {
    const contents = readPkcs12(readFileSync(fx.carol.p12), fx.carol.p12Password)
    expect(contents.privateKey.asymmetricKeyType).toBe('ec')
    expect(summarize(certificateOf(contents.certificate))).toMatchObject({ keyAlgorithm: 'EC P-256', canSign: true, canEncrypt: true })
  })

  it('a wrong password is a typed error', () => {
    expect(() => readPkcs12(readFileSync(fx.alice.p12), 'nope')).toThrow(Pkcs12PasswordError)
    expect(() => readPkcs12(readFileSync(fx.alice3desP12), '')).toThrow(Pkcs12PasswordError)
  })
})
