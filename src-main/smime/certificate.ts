import { X509Certificate, type KeyObject } from 'node:crypto'
import type { CertificateSummary } from '../common/domain/smime'
import { child, contextTag, findChild, octets, oidOf, readDer, Tag, type Node } from './der'
import { OID } from './oids'
import { SmimeFormatError } from './smime-errors'

/** RFC 5280 §4.2.1.3 key usage bits we look at (absent extension: any use). */
export interface KeyUsage {
  digitalSignature: boolean
  nonRepudiation: boolean
  keyEncipherment: boolean
  keyAgreement: boolean
  keyCertSign: boolean
}

/**
 * An X.509 certificate with what S/MIME needs from it: the raw issuer name and serial
 * (IssuerAndSerialNumber, RFC 5652 §10.2.4), the subject key identifier, the email addresses
 * (RFC 8550 §3: subjectAltName rfc822Name, or emailAddress in the subject), the usages.
 * Node's X509Certificate does the signature checks.
 */
export interface Certificate {
  der: Buffer
  x509: X509Certificate
  /** SHA-256 over the DER, "AB:CD:…" as Node and OpenSSL print it */
  fingerprint: string
  issuerName: Buffer
  subjectName: Buffer
  /** the INTEGER's contents octets, as they appear in IssuerAndSerialNumber */
  serial: Buffer
  subjectKeyId: Buffer | undefined
  /** lower-case */
  emails: string[]
  notBefore: Date
  notAfter: Date
  keyUsage: KeyUsage | undefined
  extKeyUsage: string[] | undefined
  isCa: boolean
  publicKey: KeyObject
}

/** Reads a DER certificate; throws SmimeFormatError when it is not one. */
export function parseCertificate(der: Buffer): Certificate {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(der)
  } catch {
    throw new SmimeFormatError('not an X.509 certificate')
  }
  const root = readDer(Buffer.from(der))
  const tbs = child(root, 0, Tag.Sequence)
  const fields = tbs.children[0]?.tag === contextTag(0) ? tbs.children.slice(1) : tbs.children
  const [serial, , issuer, validity, subject] = fields
  if (!serial || !issuer || !validity || !subject) throw new SmimeFormatError('incomplete certificate')
  const extensions = extensionsOf(findChild(tbs, contextTag(3)))
  const keyUsage = extensions.get(OID.keyUsage)
  const eku = extensions.get(OID.extKeyUsage)
  const ski = extensions.get(OID.subjectKeyIdentifier)
  const basic = extensions.get(OID.basicConstraints)
  return {
    der: root.raw,
    x509,
    fingerprint: x509.fingerprint256,
    issuerName: issuer.raw,
    subjectName: subject.raw,
    serial: serial.contents,
    subjectKeyId: ski ? readDer(ski).contents : undefined,
    emails: emailsOf(subject, extensions.get(OID.subjectAltName)),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    keyUsage: keyUsage ? keyUsageOf(readDer(keyUsage)) : undefined,
    extKeyUsage: eku ? readDer(eku).children.map(oidOf) : undefined,
    isCa: basic ? readDer(basic).children[0]?.tag === Tag.Boolean && readDer(basic).children[0]?.contents[0] !== 0 : false,
    publicKey: x509.publicKey,
  }
}

function extensionsOf(wrapper: Node | undefined): Map<string, Buffer> {
  const map = new Map<string, Buffer>()
  const list = wrapper?.children[0]
  for (const extension of list?.children ?? []) {
    const value = extension.children[extension.children.length - 1]
    if (value?.tag === Tag.OctetString) map.set(oidOf(child(extension, 0)), value.contents)
  }
  return map
}

function keyUsageOf(bits: Node): KeyUsage {
  const first = bits.contents[1] ?? 0
  return {
    digitalSignature: (first & 0x80) !== 0,
    nonRepudiation: (first & 0x40) !== 0,
    keyEncipherment: (first & 0x20) !== 0,
    keyAgreement: (first & 0x08) !== 0,
    keyCertSign: (first & 0x04) !== 0,
  }
}

function emailsOf(subject: Node, subjectAltName: Buffer | undefined): string[] {
  const emails = new Set<string>()
  if (subjectAltName) {
    // GeneralName rfc822Name is [1] IMPLICIT IA5String
    for (const name of readDer(subjectAltName).children) if (name.tag === contextTag(1, false)) emails.add(name.contents.toString('latin1').toLowerCase())
  }
  for (const rdn of subject.children) {
    for (const attribute of rdn.children) {
      if (oidOf(child(attribute, 0)) === OID.emailAddress) emails.add(octets(child(attribute, 1)).toString('utf8').toLowerCase())
    }
  }
  return [...emails]
}

const emailProtectionAllowed = (cert: Certificate) =>
  !cert.extKeyUsage || cert.extKeyUsage.includes(OID.emailProtection) || cert.extKeyUsage.includes(OID.anyExtendedKeyUsage)

/** RFC 8550 §4.4.2: digitalSignature or nonRepudiation, and emailProtection when EKU is present. */
export function canSign(cert: Certificate): boolean {
  return emailProtectionAllowed(cert) && (!cert.keyUsage || cert.keyUsage.digitalSignature || cert.keyUsage.nonRepudiation)
}

/** keyEncipherment for RSA key transport, keyAgreement for ECDH (RFC 8550 §4.4.2, RFC 5753 §7.2). */
export function canEncrypt(cert: Certificate): boolean {
  if (!emailProtectionAllowed(cert)) return false
  const type = cert.publicKey.asymmetricKeyType
  if (type !== 'rsa' && type !== 'ec') return false
  if (!cert.keyUsage) return true
  return type === 'rsa' ? cert.keyUsage.keyEncipherment : cert.keyUsage.keyAgreement
}

export function isValidAt(cert: Certificate, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime()
}

/** "CN=Alice, O=Example" (RFC 4514 order: most specific first) from Node's one-per-line form. */
function distinguishedName(lines: string): string {
  return lines.split('\n').reverse().join(', ')
}

function commonName(lines: string): string {
  const entries = lines.split('\n')
  const cn = entries.findLast((e) => e.startsWith('CN='))
  const o = entries.findLast((e) => e.startsWith('O='))
  return (cn ?? o ?? entries[entries.length - 1] ?? '').replace(/^[A-Za-z.0-9]+=/, '').replace(/\\(.)/g, '$1')
}

function keyAlgorithm(key: KeyObject): string {
  const details = key.asymmetricKeyDetails
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return `RSA ${details?.modulusLength ?? ''}`.trim()
    case 'ec':
      return `EC ${details?.namedCurve === 'prime256v1' ? 'P-256' : details?.namedCurve === 'secp384r1' ? 'P-384' : details?.namedCurve === 'secp521r1' ? 'P-521' : (details?.namedCurve ?? '')}`.trim()
    default:
      return (key.asymmetricKeyType ?? 'unknown').toUpperCase()
  }
}

/** What Settings shows of a certificate. */
export function summarize(cert: Certificate): CertificateSummary {
  return {
    fingerprint: cert.fingerprint,
    subject: distinguishedName(cert.x509.subject),
    commonName: commonName(cert.x509.subject),
    issuer: distinguishedName(cert.x509.issuer),
    issuerCommonName: commonName(cert.x509.issuer),
    emails: cert.emails,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    serialNumber: cert.x509.serialNumber,
    keyAlgorithm: keyAlgorithm(cert.publicKey),
    canSign: canSign(cert),
    canEncrypt: canEncrypt(cert),
    isCa: cert.isCa,
    selfSigned: cert.subjectName.equals(cert.issuerName) && cert.x509.checkIssued(cert.x509),
  }
}

/** PEM (one or many certificates, as .pem/.crt files hold them) to DER. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): Buffer[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+?)-----END ${label}-----`, 'g')
  return [...text.matchAll(pattern)].map((m) => Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'))
}

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** The certificate's address matches `address` (RFC 8550 §3, case-insensitively). */
export function hasAddress(cert: Certificate, address: string): boolean {
  return cert.emails.includes(address.trim().toLowerCase())
}

/** A parsed certificate from DER (or its base64, as the store keeps it), cached: the store re-reads often. */
const parsed = new Map<string, Certificate>()
export function certificateOf(der: Buffer | string): Certificate {
  const key = typeof der === 'string' ? der : der.toString('base64')
  let cert = parsed.get(key)
  if (!cert) {
    cert = parseCertificate(typeof der === 'string' ? Buffer.from(der, 'base64') : der)
    if (parsed.size > 2000) parsed.clear()
    parsed.set(key, cert)
  }
  return cert
}
