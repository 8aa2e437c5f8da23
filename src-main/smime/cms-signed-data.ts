import { constants, createHash, sign, verify, type KeyObject } from 'node:crypto'
import { certificateOf, type Certificate } from './certificate'
import { algorithm, child, contextTag, explicit, findChild, integer, nullValue, octets, octetString, oid, oidOf, readDer, sequence, setOf, smallIntOf, Tag, time, timeOf, tlv, type Node } from './der'
import { DIGESTS, OID } from './oids'
import { SmimeFormatError } from './smime-errors'

/** Who signs: my key and certificate, the chain to include, and where replies should be encrypted to. */
export interface Signer {
  privateKey: KeyObject
  certificate: Certificate
  /** intermediates (and optionally the root) sent along so the recipient can build the path */
  chain: Certificate[]
  /** RFC 8551 §2.5.3: my encryption certificate, when it is not the signing one */
  encryptionCertificate?: Certificate | undefined
}

/**
 * RFC 8551 §2.5.2 SMIMECapabilities, strongest first: what we can decrypt, so senders
 * (including ourselves, for the AuthEnvelopedData decision) know what to use.
 */
export const OUR_CAPABILITIES = [OID.aes256Gcm, OID.aes128Gcm, OID.aes256Cbc, OID.aes192Cbc, OID.aes128Cbc] as const

/** IssuerAndSerialNumber (RFC 5652 §10.2.4). */
export function issuerAndSerial(cert: Certificate): Buffer {
  return sequence(cert.issuerName, tlv(Tag.Integer, cert.serial))
}

function attribute(type: string, ...values: Buffer[]): Buffer {
  return sequence(oid(type), setOf(...values))
}

/**
 * A CMS SignedData (RFC 5652 §5) over `content` with SHA-256, wrapped in a ContentInfo.
 * Signed attributes (§11, RFC 8551 §2.5): content type, signing time, message digest,
 * S/MIME capabilities and the encryption key preference. `detached`: the content is not
 * inside (multipart/signed); otherwise it is (opaque signed-data).
 */
export function createSignedData(content: Buffer, signer: Signer, options: { detached: boolean; signingTime?: Date }): Buffer {
  const keyType = signer.privateKey.asymmetricKeyType
  if (keyType !== 'rsa' && keyType !== 'ec') throw new SmimeFormatError(`cannot sign with a ${keyType} key`)
  const digest = createHash('sha256').update(content).digest()
  const encryptionCert = signer.encryptionCertificate ?? signer.certificate
  const signedAttributes = setOf(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.signingTime, time(options.signingTime ?? new Date())),
    attribute(OID.messageDigest, octetString(digest)),
    attribute(OID.smimeCapabilities, sequence(...OUR_CAPABILITIES.map((id) => algorithm(id)))),
    // SMIMEEncryptionKeyPreference ::= CHOICE { issuerAndSerialNumber [0] IMPLICIT … }
    attribute(OID.encryptionKeyPreference, tlv(contextTag(0), ...readDer(issuerAndSerial(encryptionCert)).children.map((c) => c.raw))),
    attribute(OID.msEncryptionKeyPreference, issuerAndSerial(encryptionCert)),
  )
  // §5.4: the signature covers the DER of the attributes with the SET OF tag, not the [0]
  const signature = sign('sha256', signedAttributes, keyType === 'rsa' ? { key: signer.privateKey, padding: constants.RSA_PKCS1_PADDING } : signer.privateKey)
  const signerInfo = sequence(
    integer(1),
    issuerAndSerial(signer.certificate),
    algorithm(OID.sha256),
    tlv(contextTag(0), signedAttributes.subarray(headerLength(signedAttributes))),
    // RFC 3370 §3.2 rsaEncryption with NULL parameters is what every client reads; RFC 5758 §3.2 for ECDSA
    keyType === 'rsa' ? algorithm(OID.rsaEncryption, nullValue()) : algorithm(OID.ecdsaWithSha256),
    octetString(signature),
  )
  const certificates = [signer.certificate, ...signer.chain].map((c) => c.der)
  const signedData = sequence(
    integer(1),
    setOf(algorithm(OID.sha256)),
    options.detached ? sequence(oid(OID.data)) : sequence(oid(OID.data), explicit(0, octetString(content))),
    tlv(contextTag(0), ...[...new Set(certificates)].sort(Buffer.compare)),
    setOf(signerInfo),
  )
  return sequence(oid(OID.signedData), explicit(0, signedData))
}

function headerLength(der: Buffer): number {
  const second = der[1] as number
  return second & 0x80 ? 2 + (second & 0x7f) : 2
}

/** A SignerInfo as read (RFC 5652 §5.3). */
export interface ParsedSigner {
  /** IssuerAndSerialNumber or SubjectKeyIdentifier */
  sid: { issuer: Buffer; serial: Buffer } | { subjectKeyId: Buffer }
  digestAlgorithm: string
  /** the attributes' DER with the SET tag, as signed; undefined when there are none */
  signedAttributes: Buffer | undefined
  attributes: Map<string, Node[]>
  signatureAlgorithm: Node
  signature: Buffer
}

export interface ParsedSignedData {
  contentType: string
  /** the encapsulated content; undefined when detached */
  content: Buffer | undefined
  certificates: Certificate[]
  signers: ParsedSigner[]
}

/** Reads a ContentInfo holding SignedData. */
export function parseSignedData(contentInfo: Node): ParsedSignedData {
  if (oidOf(child(contentInfo, 0)) !== OID.signedData) throw new SmimeFormatError('not signed-data')
  const signedData = child(child(contentInfo, 1, contextTag(0)), 0, Tag.Sequence)
  const encap = child(signedData, 2, Tag.Sequence)
  const eContent = findChild(encap, contextTag(0))
  const certificateSet = signedData.children.find((c) => c.tag === contextTag(0))
  const certificates: Certificate[] = []
  for (const entry of certificateSet?.children ?? []) {
    if (entry.tag !== Tag.Sequence) continue
    try {
      certificates.push(certificateOf(Buffer.from(entry.raw)))
    } catch {
      // a certificate we cannot read cannot be the signer's; the path check will say what is missing
    }
  }
  const signerInfos = signedData.children[signedData.children.length - 1]
  if (!signerInfos || signerInfos.tag !== Tag.Set) throw new SmimeFormatError('signed-data without signer infos')
  return {
    contentType: oidOf(child(encap, 0)),
    content: eContent ? octets(child(eContent, 0)) : undefined,
    certificates,
    signers: signerInfos.children.map(parseSignerInfo),
  }
}

function parseSignerInfo(info: Node): ParsedSigner {
  const version = smallIntOf(child(info, 0))
  const sidNode = child(info, 1)
  const sid =
    version === 3 && sidNode.tag === contextTag(0, false)
      ? { subjectKeyId: sidNode.contents }
      : { issuer: child(sidNode, 0).raw, serial: child(sidNode, 1, Tag.Integer).contents }
  let index = 2
  const digestAlgorithm = oidOf(child(child(info, index++), 0))
  let signedAttributes: Buffer | undefined
  const attributes = new Map<string, Node[]>()
  if (info.children[index]?.tag === contextTag(0)) {
    const node = info.children[index++]!
    signedAttributes = Buffer.from(node.raw)
    signedAttributes[0] = Tag.Set
    for (const attr of node.children) attributes.set(oidOf(child(attr, 0)), child(attr, 1, Tag.Set).children)
  }
  const signatureAlgorithm = child(info, index++, Tag.Sequence)
  const signature = child(info, index, Tag.OctetString).contents
  return { sid, digestAlgorithm, signedAttributes, attributes, signatureAlgorithm, signature }
}

/** Whether `cert` is the one `sid` names. */
export function matchesSid(cert: Certificate, sid: ParsedSigner['sid']): boolean {
  if ('subjectKeyId' in sid) return cert.subjectKeyId !== undefined && cert.subjectKeyId.equals(sid.subjectKeyId)
  return cert.serial.equals(sid.serial) && cert.issuerName.equals(sid.issuer)
}

const SIGNATURE_HASHES: Record<string, string> = {
  [OID.sha1WithRsa]: 'sha1',
  [OID.sha224WithRsa]: 'sha224',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha224]: 'sha224',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
}

export interface SignatureCheck {
  /** the signature and message digest match the content */
  intact: boolean
  reason: string
  signingTime: Date | undefined
  /** content-encryption OIDs from SMIMECapabilities, when the signer sent them */
  capabilities: string[] | undefined
  /** RFC 8551 §2.5.3 preference, when it names a certificate in the message */
  encryptionCertificate: Certificate | undefined
}

/**
 * RFC 5652 §5.6: the message digest attribute equals the content's digest, the content-type
 * attribute equals the encapsulated type, and the signature over the attributes verifies with
 * the signer's public key (RSA PKCS#1 v1.5, RSA-PSS or ECDSA).
 */
export function checkSignature(signer: ParsedSigner, contentType: string, content: Buffer, certificate: Certificate, certificates: Certificate[]): SignatureCheck {
  const digestName = DIGESTS[signer.digestAlgorithm]
  const result: SignatureCheck = { intact: false, reason: '', signingTime: undefined, capabilities: undefined, encryptionCertificate: undefined }
  if (!digestName) return { ...result, reason: `unsupported digest algorithm ${signer.digestAlgorithm}` }
  let signed = content
  if (signer.signedAttributes) {
    const digest = signer.attributes.get(OID.messageDigest)?.[0]
    const type = signer.attributes.get(OID.contentType)?.[0]
    if (!digest || !type) return { ...result, reason: 'the signed attributes lack the message digest or content type' }
    if (oidOf(type) !== contentType) return { ...result, reason: 'the signed content type does not match the content' }
    if (!createHash(digestName).update(content).digest().equals(digest.contents)) return { ...result, reason: 'the content was changed after it was signed' }
    signed = signer.signedAttributes
    const when = signer.attributes.get(OID.signingTime)?.[0]
    if (when) result.signingTime = timeOf(when)
    const capabilities = signer.attributes.get(OID.smimeCapabilities)?.[0]
    if (capabilities) result.capabilities = capabilities.children.map((c) => oidOf(child(c, 0)))
    result.encryptionCertificate = encryptionPreference(signer, certificates)
  }
  if (!verifySignatureValue(signer, signed, digestName, certificate.publicKey)) return { ...result, reason: 'the signature does not match the content' }
  return { ...result, intact: true, reason: 'the signature matches the content' }
}

function verifySignatureValue(signer: ParsedSigner, data: Buffer, digestName: string, publicKey: KeyObject): boolean {
  const algorithmId = oidOf(child(signer.signatureAlgorithm, 0))
  try {
    if (algorithmId === OID.rsassaPss) {
      const { hash, saltLength } = pssParameters(signer.signatureAlgorithm.children[1])
      return verify(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signer.signature)
    }
    const hash = SIGNATURE_HASHES[algorithmId] ?? digestName
    if (publicKey.asymmetricKeyType === 'rsa') {
      if (algorithmId !== OID.rsaEncryption && !algorithmId.startsWith('1.2.840.113549.1.1.')) return false
      return verify(hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signer.signature)
    }
    if (publicKey.asymmetricKeyType === 'ec') {
      if (algorithmId !== OID.ecPublicKey && !algorithmId.startsWith('1.2.840.10045.4.')) return false
      return verify(hash, data, publicKey, signer.signature)
    }
    return false
  } catch {
    return false
  }
}

/** RFC 4055 §3.1 RSASSA-PSS-params: [0] hash (SHA-1), [2] salt length (20). */
function pssParameters(params: Node | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1'
  let saltLength = 20
  for (const field of params?.children ?? []) {
    if (field.tag === contextTag(0)) hash = DIGESTS[oidOf(child(child(field, 0), 0))] ?? hash
    if (field.tag === contextTag(2)) saltLength = smallIntOf(child(field, 0))
  }
  return { hash, saltLength }
}

function encryptionPreference(signer: ParsedSigner, certificates: Certificate[]): Certificate | undefined {
  const preference = signer.attributes.get(OID.encryptionKeyPreference)?.[0]
  if (preference?.tag === contextTag(0)) {
    const issuer = preference.children[0]?.raw
    const serial = preference.children[1]?.contents
    if (issuer && serial) return certificates.find((c) => c.issuerName.equals(issuer) && c.serial.equals(serial))
  }
  const microsoft = signer.attributes.get(OID.msEncryptionKeyPreference)?.[0]
  if (microsoft?.tag === Tag.Sequence) {
    const issuer = microsoft.children[0]?.raw
    const serial = microsoft.children[1]?.contents
    if (issuer && serial) return certificates.find((c) => c.issuerName.equals(issuer) && c.serial.equals(serial))
  }
  return undefined
}

/** The DER of a ContentInfo read from bytes (BER allowed), for callers that hold raw bytes. */
export function readContentInfo(der: Buffer): Node {
  return readDer(der, true)
}
