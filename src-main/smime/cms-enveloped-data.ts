import { constants, createCipheriv, createDecipheriv, createECDH, createHash, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto'
import type { Certificate } from './certificate'
import { issuerAndSerial } from './cms-signed-data'
import { algorithm, child, contextTag, explicit, integer, nullValue, octets, octetString, oid, oidOf, readDer, sequence, setOf, smallIntOf, Tag, tlv, type Node } from './der'
import { algorithmName, DIGESTS, OID } from './oids'
import { SmimeFormatError, SmimeUnsupportedError } from './smime-errors'

export type ContentEncryption = 'aes-256-cbc' | 'aes-256-gcm'

/** None of the recipient infos is for a key we hold (RFC 5652 §6.2). */
export class NoRecipientKeyError extends Error {
  constructor() {
    super('the message is not encrypted to any of your certificates')
    this.name = 'NoRecipientKeyError'
  }
}

/** We hold the key, and still the content does not decrypt (damaged, or not really for us). */
export class DecryptionFailedError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'DecryptionFailedError'
  }
}

/**
 * Encrypts `content` to every certificate in `recipients` (RFC 5652 §6 EnvelopedData with
 * AES-256-CBC, or RFC 5083 AuthEnvelopedData with AES-256-GCM per RFC 5084), as a ContentInfo.
 * RSA recipients get key transport (RSAES-PKCS1-v1_5, what every S/MIME client reads),
 * EC recipients ephemeral-static ECDH with the X9.63 KDF and AES key wrap (RFC 5753 §3.1).
 */
export function createEnvelope(content: Buffer, recipients: Certificate[], encryption: ContentEncryption): Buffer {
  if (recipients.length === 0) throw new SmimeFormatError('no recipients to encrypt to')
  const cek = randomBytes(32)
  const infos = recipients.map((cert) => recipientInfo(cert, cek))
  const allKeyTransport = recipients.every((cert) => cert.publicKey.asymmetricKeyType === 'rsa')
  if (encryption === 'aes-256-gcm') {
    const nonce = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', cek, nonce, { authTagLength: 16 })
    const ciphertext = Buffer.concat([cipher.update(content), cipher.final()])
    const authEnveloped = sequence(
      integer(0),
      setOf(...infos),
      sequence(oid(OID.data), algorithm(OID.aes256Gcm, sequence(octetString(nonce), integer(16))), tlv(contextTag(0, false), ciphertext)),
      octetString(cipher.getAuthTag()),
    )
    return sequence(oid(OID.authEnvelopedData), explicit(0, authEnveloped))
  }
  const iv = randomBytes(16)
  const cipher = createCipheriv('aes-256-cbc', cek, iv)
  const ciphertext = Buffer.concat([cipher.update(content), cipher.final()])
  const enveloped = sequence(
    // §6.1: version 0 when every RecipientInfo is version 0 (key transport by issuer and serial), else 2
    integer(allKeyTransport ? 0 : 2),
    setOf(...infos),
    sequence(oid(OID.data), algorithm(OID.aes256Cbc, octetString(iv)), tlv(contextTag(0, false), ciphertext)),
  )
  return sequence(oid(OID.envelopedData), explicit(0, enveloped))
}

function recipientInfo(cert: Certificate, cek: Buffer): Buffer {
  const type = cert.publicKey.asymmetricKeyType
  if (type === 'rsa') {
    const encryptedKey = publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, cek)
    return sequence(integer(0), issuerAndSerial(cert), algorithm(OID.rsaEncryption, nullValue()), octetString(encryptedKey))
  }
  if (type === 'ec') return keyAgreeRecipientInfo(cert, cek)
  throw new SmimeUnsupportedError(`encryption to a ${type} key`)
}

const CURVES: Record<string, { name: string; kdfHash: 'sha256' | 'sha384' | 'sha512'; kdf: string }> = {
  prime256v1: { name: 'prime256v1', kdfHash: 'sha256', kdf: OID.ecdhStdSha256Kdf },
  secp384r1: { name: 'secp384r1', kdfHash: 'sha384', kdf: OID.ecdhStdSha384Kdf },
  secp521r1: { name: 'secp521r1', kdfHash: 'sha512', kdf: OID.ecdhStdSha512Kdf },
}

/** RFC 5753 §3.1.1: ephemeral-static ECDH, KEK from the X9.63 KDF, CEK wrapped with AES-256 (RFC 3394). */
function keyAgreeRecipientInfo(cert: Certificate, cek: Buffer): Buffer {
  const curve = CURVES[cert.publicKey.asymmetricKeyDetails?.namedCurve ?? '']
  if (!curve) throw new SmimeUnsupportedError(`encryption to the curve ${cert.publicKey.asymmetricKeyDetails?.namedCurve}`)
  const ephemeral = createECDH(curve.name)
  ephemeral.generateKeys()
  const shared = ephemeral.computeSecret(ecPoint(cert.publicKey))
  const kek = x963Kdf(curve.kdfHash, shared, sharedInfo(OID.aes256Wrap, 32, undefined), 32)
  const wrapped = aesKeyWrap(kek, cek)
  return tlv(
    contextTag(1),
    integer(3),
    // originator [0] EXPLICIT OriginatorIdentifierOrKey: originatorKey [1] IMPLICIT OriginatorPublicKey
    explicit(0, tlv(contextTag(1), algorithm(OID.ecPublicKey), tlv(Tag.BitString, Buffer.from([0]), ephemeral.getPublicKey()))),
    algorithm(curve.kdf, algorithm(OID.aes256Wrap)),
    sequence(sequence(issuerAndSerial(cert), octetString(wrapped))),
  )
}

/** The uncompressed point of an EC public key (the BIT STRING of its SubjectPublicKeyInfo). */
function ecPoint(key: KeyObject): Buffer {
  const spki = readDer(key.export({ type: 'spki', format: 'der' }))
  return child(spki, 1, Tag.BitString).contents.subarray(1)
}

/** RFC 5753 §7.2 ECC-CMS-SharedInfo: the wrap algorithm, the ukm, and the KEK length in bits. */
function sharedInfo(wrapAlgorithm: string, keyLength: number, ukm: Buffer | undefined): Buffer {
  const bits = Buffer.alloc(4)
  bits.writeUInt32BE(keyLength * 8)
  return sequence(algorithm(wrapAlgorithm), ...(ukm ? [explicit(0, octetString(ukm))] : []), explicit(2, octetString(bits)))
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z || counter || SharedInfo) until `length` bytes. */
function x963Kdf(hash: string, z: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = []
  const counter = Buffer.alloc(4)
  for (let i = 1, produced = 0; produced < length; i++) {
    counter.writeUInt32BE(i)
    const block = createHash(hash).update(z).update(counter).update(info).digest()
    blocks.push(block)
    produced += block.length
  }
  return Buffer.concat(blocks).subarray(0, length)
}

const WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex')
const WRAP_CIPHERS: Record<number, string> = { 16: 'id-aes128-wrap', 24: 'id-aes192-wrap', 32: 'id-aes256-wrap' }

function aesKeyWrap(kek: Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv(WRAP_CIPHERS[kek.length]!, kek, WRAP_IV)
  return Buffer.concat([cipher.update(key), cipher.final()])
}

function aesKeyUnwrap(kek: Buffer, wrapped: Buffer): Buffer {
  const decipher = createDecipheriv(WRAP_CIPHERS[kek.length]!, kek, WRAP_IV)
  return Buffer.concat([decipher.update(wrapped), decipher.final()])
}

/** One of my keys, with the certificate that names it. */
export interface RecipientKey {
  certificate: Certificate
  privateKey: KeyObject
}

export interface OpenedEnvelope {
  content: Buffer
  /** "AES-256-CBC" … */
  algorithm: string
  authenticated: boolean
  /** which of my certificates it was opened with */
  certificate: Certificate
}

const CONTENT_CIPHERS: Record<string, { cipher: string; keyLength: number; aead: boolean }> = {
  [OID.aes128Cbc]: { cipher: 'aes-128-cbc', keyLength: 16, aead: false },
  [OID.aes192Cbc]: { cipher: 'aes-192-cbc', keyLength: 24, aead: false },
  [OID.aes256Cbc]: { cipher: 'aes-256-cbc', keyLength: 32, aead: false },
  [OID.desEde3Cbc]: { cipher: 'des-ede3-cbc', keyLength: 24, aead: false },
  [OID.aes128Gcm]: { cipher: 'aes-128-gcm', keyLength: 16, aead: true },
  [OID.aes192Gcm]: { cipher: 'aes-192-gcm', keyLength: 24, aead: true },
  [OID.aes256Gcm]: { cipher: 'aes-256-gcm', keyLength: 32, aead: true },
}

/**
 * Opens EnvelopedData (RFC 5652 §6) or AuthEnvelopedData (RFC 5083) with whichever of `keys`
 * a RecipientInfo names: RSA key transport (PKCS#1 v1.5 or OAEP) or ECDH key agreement.
 */
export function openEnvelope(contentInfo: Node, keys: RecipientKey[]): OpenedEnvelope {
  const type = oidOf(child(contentInfo, 0))
  const authenticated = type === OID.authEnvelopedData
  if (!authenticated && type !== OID.envelopedData) throw new SmimeFormatError('not enveloped-data')
  const body = child(child(contentInfo, 1, contextTag(0)), 0, Tag.Sequence)
  let index = 1
  if (body.children[index]?.tag === contextTag(0)) index++ // originatorInfo
  const recipientInfos = child(body, index++, Tag.Set)
  const encryptedContentInfo = child(body, index++, Tag.Sequence)
  const contentAlgorithm = child(encryptedContentInfo, 1, Tag.Sequence)
  const algorithmId = oidOf(child(contentAlgorithm, 0))
  const spec = CONTENT_CIPHERS[algorithmId]
  if (!spec) throw new SmimeUnsupportedError(algorithmName(algorithmId))
  if (spec.aead !== authenticated) throw new SmimeFormatError(`${algorithmName(algorithmId)} in the wrong kind of envelope`)
  const encryptedNode = encryptedContentInfo.children[2]
  if (!encryptedNode || (encryptedNode.tag !== contextTag(0, false) && encryptedNode.tag !== contextTag(0))) throw new SmimeFormatError('the envelope has no content')
  const ciphertext = octets(encryptedNode)

  const found = findRecipient(recipientInfos, keys)
  if (!found) throw new NoRecipientKeyError()
  const cek = found.unwrap(spec.keyLength)
  let content: Buffer
  try {
    if (spec.aead) {
      const params = child(contentAlgorithm, 1, Tag.Sequence)
      const nonce = child(params, 0, Tag.OctetString).contents
      const tagLength = params.children[1] ? smallIntOf(params.children[1]) : 12
      const authAttrs = body.children[index]?.tag === contextTag(1) ? body.children[index++] : undefined
      const mac = child(body, index, Tag.OctetString).contents
      if (mac.length !== tagLength) throw new SmimeFormatError('the authentication tag has the wrong length')
      const decipher = createDecipheriv(spec.cipher as 'aes-256-gcm', cek, nonce, { authTagLength: tagLength })
      // RFC 5083 §2.2: authenticated attributes are covered as their DER with the SET OF tag
      if (authAttrs) decipher.setAAD(Buffer.concat([Buffer.from([Tag.Set]), authAttrs.raw.subarray(1)]))
      decipher.setAuthTag(mac)
      content = Buffer.concat([decipher.update(ciphertext), decipher.final()])
    } else {
      const iv = octets(child(contentAlgorithm, 1, Tag.OctetString))
      const decipher = createDecipheriv(spec.cipher, cek, iv)
      content = Buffer.concat([decipher.update(ciphertext), decipher.final()])
    }
  } catch (error) {
    if (error instanceof SmimeFormatError) throw error
    throw new DecryptionFailedError('the message is damaged or was not encrypted for your key')
  }
  return { content, algorithm: algorithmName(algorithmId), authenticated, certificate: found.certificate }
}

interface FoundRecipient {
  certificate: Certificate
  unwrap(keyLength: number): Buffer
}

function findRecipient(recipientInfos: Node, keys: RecipientKey[]): FoundRecipient | undefined {
  for (const info of recipientInfos.children) {
    if (info.tag === Tag.Sequence) {
      // KeyTransRecipientInfo (§6.2.1)
      const rid = child(info, 1)
      const key = keys.find((k) => ridMatches(k.certificate, rid))
      if (!key) continue
      const algorithmNode = child(info, 2, Tag.Sequence)
      const encryptedKey = child(info, 3, Tag.OctetString).contents
      return { certificate: key.certificate, unwrap: (length) => keyTransportDecrypt(key.privateKey, algorithmNode, encryptedKey, length) }
    }
    if (info.tag === contextTag(1)) {
      // KeyAgreeRecipientInfo (§6.2.2)
      const kari = parseKeyAgree(info)
      for (const encrypted of kari.recipientEncryptedKeys.children) {
        const rid = child(encrypted, 0)
        const key = keys.find((k) => k.privateKey.asymmetricKeyType === 'ec' && ridMatches(k.certificate, rid))
        if (key) return { certificate: key.certificate, unwrap: () => keyAgreeDecrypt(key.privateKey, kari, child(encrypted, 1, Tag.OctetString).contents) }
      }
    }
  }
  return undefined
}

/** RecipientIdentifier: IssuerAndSerialNumber, or [0] SubjectKeyIdentifier (also RecipientKeyIdentifier for kari). */
function ridMatches(cert: Certificate, rid: Node): boolean {
  if (rid.tag === Tag.Sequence) return cert.issuerName.equals(child(rid, 0).raw) && cert.serial.equals(child(rid, 1, Tag.Integer).contents)
  if (rid.tag === contextTag(0, false)) return cert.subjectKeyId?.equals(rid.contents) ?? false
  if (rid.tag === contextTag(0)) return cert.subjectKeyId?.equals(child(rid, 0, Tag.OctetString).contents) ?? false
  return false
}

/**
 * RSA key transport. Node refuses PKCS#1 v1.5 private decryption (CVE-2023-46809, the Marvin
 * attack), so we take the raw RSA result and check the padding ourselves; a bad padding yields a
 * random key rather than an error (RFC 3218 §2.3), so the answer never tells padding failures apart.
 */
function keyTransportDecrypt(privateKey: KeyObject, algorithmNode: Node, encryptedKey: Buffer, keyLength: number): Buffer {
  const id = oidOf(child(algorithmNode, 0))
  if (id === OID.rsaesOaep) {
    let hash = 'sha1'
    for (const field of algorithmNode.children[1]?.children ?? []) if (field.tag === contextTag(0)) hash = DIGESTS[oidOf(child(child(field, 0), 0))] ?? hash
    try {
      return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, encryptedKey)
    } catch {
      return randomBytes(keyLength)
    }
  }
  if (id !== OID.rsaEncryption) throw new SmimeUnsupportedError(algorithmName(id))
  let block: Buffer
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey)
  } catch {
    return randomBytes(keyLength)
  }
  const fallback = randomBytes(keyLength)
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero) || 0x00 || M  (RFC 8017 §7.2.2)
  let separator = 0
  for (let i = 2; i < block.length; i++) {
    if (block[i] === 0 && separator === 0) separator = i
  }
  const ok = block[0] === 0 && block[1] === 2 && separator >= 10 && block.length - separator - 1 === keyLength
  return ok ? block.subarray(separator + 1) : fallback
}

interface KeyAgree {
  originator: Node
  ukm: Buffer | undefined
  kdfAlgorithm: Node
  recipientEncryptedKeys: Node
}

/** version, originator [0], ukm [1] OPTIONAL, keyEncryptionAlgorithm, recipientEncryptedKeys. */
function parseKeyAgree(info: Node): KeyAgree {
  const originator = child(child(info, 1, contextTag(0)), 0)
  let index = 2
  const ukmNode = info.children[index]?.tag === contextTag(1) ? info.children[index++] : undefined
  return {
    originator,
    ukm: ukmNode ? child(ukmNode, 0, Tag.OctetString).contents : undefined,
    kdfAlgorithm: child(info, index++, Tag.Sequence),
    recipientEncryptedKeys: child(info, index, Tag.Sequence),
  }
}

function keyAgreeDecrypt(privateKey: KeyObject, { originator, ukm, kdfAlgorithm }: KeyAgree, wrapped: Buffer): Buffer {
  if (originator.tag !== contextTag(1)) throw new SmimeUnsupportedError('key agreement with a static originator key')
  const point = child(originator, 1, Tag.BitString).contents.subarray(1)
  const kdfId = oidOf(child(kdfAlgorithm, 0))
  const kdfHash = { [OID.ecdhStdSha1Kdf]: 'sha1', [OID.ecdhStdSha224Kdf]: 'sha224', [OID.ecdhStdSha256Kdf]: 'sha256', [OID.ecdhStdSha384Kdf]: 'sha384', [OID.ecdhStdSha512Kdf]: 'sha512' }[kdfId]
  if (!kdfHash) throw new SmimeUnsupportedError(`key agreement ${kdfId}`)
  const wrapId = oidOf(child(child(kdfAlgorithm, 1), 0))
  const wrapLength = { [OID.aes128Wrap]: 16, [OID.aes192Wrap]: 24, [OID.aes256Wrap]: 32 }[wrapId]
  if (!wrapLength) throw new SmimeUnsupportedError(`key wrap ${wrapId}`)
  const curve = privateKey.asymmetricKeyDetails?.namedCurve
  if (!curve) throw new SmimeFormatError('an EC key without a named curve')
  const ecdh = createECDH(curve)
  const jwk = privateKey.export({ format: 'jwk' })
  ecdh.setPrivateKey(Buffer.from(jwk.d ?? '', 'base64url'))
  try {
    const kek = x963Kdf(kdfHash, ecdh.computeSecret(point), sharedInfo(wrapId, wrapLength, ukm), wrapLength)
    return aesKeyUnwrap(kek, wrapped)
  } catch {
    throw new DecryptionFailedError('the message is damaged or was not encrypted for your key')
  }
}
