import { createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, timingSafeEqual, type KeyObject } from 'node:crypto'
import { certificateOf } from './certificate'
import { child, contextTag, octets, oidOf, readDer, smallIntOf, Tag, type Node } from './der'
import { algorithmName, DIGESTS, OID } from './oids'
import { SmimeFormatError, SmimeUnsupportedError } from './smime-errors'

/** What a .p12/.pfx file holds for S/MIME: one private key, its certificate, and the chain. */
export interface Pkcs12Contents {
  privateKey: KeyObject
  certificate: Buffer
  /** the other certificates, issuer of the leaf first where the chain can be followed */
  chain: Buffer[]
}

/** The password does not open the file (the MAC or the decryption says so). */
export class Pkcs12PasswordError extends Error {
  constructor() {
    super('wrong PKCS#12 password')
    this.name = 'Pkcs12PasswordError'
  }
}

/**
 * Reads a PKCS#12 file (RFC 7292) in password integrity and privacy mode, as OpenSSL,
 * Windows, macOS and browsers export it: MAC over the AuthenticatedSafe (§5.1, Appendix B KDF),
 * bags in plain `data` or password-encrypted `encryptedData`, PBES2 (PBKDF2 with AES or 3DES)
 * or the PKCS#12 3DES scheme. RC2 (older exports' certificate bags) is not available in
 * Node's OpenSSL 3 and is reported as unsupported.
 */
export function readPkcs12(data: Buffer, password: string): Pkcs12Contents {
  const pfx = readDer(data)
  if (smallIntOf(child(pfx, 0)) !== 3) throw new SmimeFormatError('not a PKCS#12 version 3 file')
  const authSafe = child(pfx, 1, Tag.Sequence)
  if (oidOf(child(authSafe, 0)) !== OID.data) throw new SmimeUnsupportedError('PKCS#12 public-key integrity mode')
  const authSafeBytes = octets(child(child(authSafe, 1, contextTag(0)), 0))
  const passwords = passwordEncodings(password)
  const macData = pfx.children[2]
  const candidates = macData ? passwords.filter((p) => macMatches(macData, authSafeBytes, p.bmp)) : passwords
  if (candidates.length === 0) throw new Pkcs12PasswordError()

  let lastError: unknown
  for (const candidate of candidates) {
    try {
      return collect(readDer(authSafeBytes), candidate)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

interface PasswordEncoding {
  /** PKCS#12 KDF input: BMPString with the terminating NUL (RFC 7292 Appendix B.1) */
  bmp: Buffer
  /** PBKDF2 input: the password's UTF-8 bytes */
  utf8: Buffer
}

function passwordEncodings(password: string): PasswordEncoding[] {
  const bmp = Buffer.from(`${password}\0`, 'utf16le').swap16()
  const utf8 = Buffer.from(password, 'utf8')
  // an empty password is written either as a lone NUL or as nothing at all, depending on the exporter
  return password === '' ? [{ bmp, utf8 }, { bmp: Buffer.alloc(0), utf8 }] : [{ bmp, utf8 }]
}

function macMatches(macData: Node, content: Buffer, bmpPassword: Buffer): boolean {
  const digestInfo = child(macData, 0, Tag.Sequence)
  const algorithm = oidOf(child(child(digestInfo, 0), 0))
  const hash = DIGESTS[algorithm]
  if (!hash) throw new SmimeUnsupportedError(`PKCS#12 MAC ${algorithmName(algorithm)}`)
  const expected = child(digestInfo, 1, Tag.OctetString).contents
  const salt = child(macData, 1, Tag.OctetString).contents
  const iterations = macData.children[2] ? smallIntOf(macData.children[2]) : 1
  const key = pkcs12Kdf(hash, bmpPassword, salt, 3, iterations, createHash(hash).digest().length)
  const actual = createHmac(hash, key).update(content).digest()
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

function collect(authenticatedSafe: Node, password: PasswordEncoding): Pkcs12Contents {
  const keys: { key: KeyObject; localKeyId: Buffer | undefined }[] = []
  const certificates: { der: Buffer; localKeyId: Buffer | undefined }[] = []
  for (const contentInfo of authenticatedSafe.children) {
    const type = oidOf(child(contentInfo, 0))
    const content = child(child(contentInfo, 1, contextTag(0)), 0)
    let safeContents: Buffer
    if (type === OID.data) safeContents = octets(content)
    else if (type === OID.encryptedData) safeContents = decryptEncryptedContentInfo(child(content, 1, Tag.Sequence), password)
    else throw new SmimeUnsupportedError('PKCS#12 public-key privacy mode')
    for (const bag of readDer(safeContents).children) {
      const bagId = oidOf(child(bag, 0))
      const value = child(child(bag, 1, contextTag(0)), 0)
      const localKeyId = localKeyIdOf(bag.children[2])
      if (bagId === OID.pkcs8ShroudedKeyBag) {
        const plain = pbeDecrypt(child(value, 0), child(value, 1, Tag.OctetString).contents, password)
        keys.push({ key: privateKeyOf(plain), localKeyId })
      } else if (bagId === OID.keyBag) {
        keys.push({ key: privateKeyOf(value.raw), localKeyId })
      } else if (bagId === OID.certBag && oidOf(child(value, 0)) === OID.x509Certificate) {
        certificates.push({ der: Buffer.from(octets(child(child(value, 1, contextTag(0)), 0))), localKeyId })
      }
    }
  }
  const [first] = keys
  if (!first) throw new SmimeFormatError('the file holds no private key')
  const spki = (key: KeyObject) => (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' })
  const keySpki = spki(first.key)
  const leaf = certificates.find((c) => spki(certificateOf(c.der).publicKey).equals(keySpki))
  if (!leaf) throw new SmimeFormatError('the file holds no certificate for its private key')
  return { privateKey: first.key, certificate: leaf.der, chain: orderChain(leaf.der, certificates.filter((c) => c !== leaf).map((c) => c.der)) }
}

function privateKeyOf(pkcs8: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  } catch {
    // a wrong password that slipped past CBC padding decrypts to garbage
    throw new Pkcs12PasswordError()
  }
}

function localKeyIdOf(attributes: Node | undefined): Buffer | undefined {
  for (const attribute of attributes?.children ?? []) {
    if (oidOf(child(attribute, 0)) === OID.localKeyId) return child(attribute, 1).children[0]?.contents
  }
  return undefined
}

/** Issuer after subject, as far as the certificates link up; the rest after them. */
function orderChain(leaf: Buffer, others: Buffer[]): Buffer[] {
  const ordered: Buffer[] = []
  const left = [...others]
  let current = certificateOf(leaf)
  for (;;) {
    const index = left.findIndex((der) => certificateOf(der).subjectName.equals(current.issuerName) && current.x509.checkIssued(certificateOf(der).x509))
    if (index < 0) break
    const [next] = left.splice(index, 1)
    ordered.push(next!)
    current = certificateOf(next!)
    if (current.subjectName.equals(current.issuerName)) break
  }
  return [...ordered, ...left]
}

/** EncryptedContentInfo of an encryptedData bag (RFC 5652 §8): [0] IMPLICIT encryptedContent. */
function decryptEncryptedContentInfo(info: Node, password: PasswordEncoding): Buffer {
  const encrypted = info.children[2]
  if (!encrypted || (encrypted.tag !== contextTag(0, false) && encrypted.tag !== contextTag(0))) throw new SmimeFormatError('encryptedData without content')
  return pbeDecrypt(child(info, 1), octets(encrypted), password)
}

const CBC_CIPHERS: Record<string, { cipher: string; keyLength: number }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32 },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyLength: 24 },
}

const PRFS: Record<string, string> = {
  [OID.hmacWithSha1]: 'sha1',
  [OID.hmacWithSha224]: 'sha224',
  [OID.hmacWithSha256]: 'sha256',
  [OID.hmacWithSha384]: 'sha384',
  [OID.hmacWithSha512]: 'sha512',
}

/** Password-based decryption: PBES2 (RFC 8018 §6.2) or the PKCS#12 PBE schemes (RFC 7292 Appendix C). */
function pbeDecrypt(algorithm: Node, ciphertext: Buffer, password: PasswordEncoding): Buffer {
  const id = oidOf(child(algorithm, 0))
  const params = child(algorithm, 1)
  let cipher: string
  let key: Buffer
  let iv: Buffer
  if (id === OID.pbes2) {
    const kdf = child(params, 0)
    const scheme = child(params, 1)
    if (oidOf(child(kdf, 0)) !== OID.pbkdf2) throw new SmimeUnsupportedError(`key derivation ${oidOf(child(kdf, 0))}`)
    const schemeId = oidOf(child(scheme, 0))
    const spec = CBC_CIPHERS[schemeId]
    if (!spec) throw new SmimeUnsupportedError(algorithmName(schemeId))
    const kdfParams = child(kdf, 1, Tag.Sequence)
    const salt = child(kdfParams, 0, Tag.OctetString).contents
    const iterations = smallIntOf(child(kdfParams, 1))
    const prfNode = kdfParams.children.find((c) => c.tag === Tag.Sequence)
    const prf = prfNode ? PRFS[oidOf(child(prfNode, 0))] : 'sha1'
    if (!prf) throw new SmimeUnsupportedError('PBKDF2 pseudo-random function')
    cipher = spec.cipher
    key = pbkdf2Sync(password.utf8, salt, iterations, spec.keyLength, prf)
    iv = child(scheme, 1, Tag.OctetString).contents
  } else if (id === OID.pbeSha1And3KeyTripleDesCbc || id === OID.pbeSha1And2KeyTripleDesCbc) {
    const salt = child(params, 0, Tag.OctetString).contents
    const iterations = smallIntOf(child(params, 1))
    const keyLength = id === OID.pbeSha1And3KeyTripleDesCbc ? 24 : 16
    cipher = keyLength === 24 ? 'des-ede3-cbc' : 'des-ede-cbc'
    key = pkcs12Kdf('sha1', password.bmp, salt, 1, iterations, keyLength)
    iv = pkcs12Kdf('sha1', password.bmp, salt, 2, iterations, 8)
  } else {
    throw new SmimeUnsupportedError(algorithmName(id))
  }
  try {
    const decipher = createDecipheriv(cipher, key, iv)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    throw new Pkcs12PasswordError()
  }
}

/** RFC 7292 Appendix B.2: the PKCS#12 key derivation (id 1 key, 2 IV, 3 MAC key). */
export function pkcs12Kdf(hash: string, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  const u = createHash(hash).digest().length
  const v = hash === 'sha384' || hash === 'sha512' ? 128 : 64
  const fill = (source: Buffer) => {
    if (source.length === 0) return Buffer.alloc(0)
    const out = Buffer.alloc(v * Math.ceil(source.length / v))
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length] as number
    return out
  }
  const d = Buffer.alloc(v, id)
  const i = Buffer.concat([fill(salt), fill(password)])
  const blocks: Buffer[] = []
  for (let produced = 0; produced < length; produced += u) {
    let a = createHash(hash).update(d).update(i).digest()
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest()
    blocks.push(a)
    const b = Buffer.alloc(v)
    for (let k = 0; k < v; k++) b[k] = a[k % u] as number
    // I_j = (I_j + B + 1) mod 2^(8v), big-endian, for each v-byte block of I
    for (let j = 0; j < i.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] as number) + (b[k] as number) + carry
        i[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length)
}
