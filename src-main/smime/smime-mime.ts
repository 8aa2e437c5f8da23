import { randomBytes } from 'node:crypto'
import type { Certificate } from './certificate'
import { createEnvelope, type ContentEncryption } from './cms-enveloped-data'
import { createSignedData, type Signer } from './cms-signed-data'
import { canonicaliseEntity } from './mime-canonical'
import { base64Lines, joinMessage, newBoundary, splitMessage } from './mime-entity'
import { OID } from './oids'

export type { Signer } from './cms-signed-data'

/**
 * RFC 8551 §3.5.3 / RFC 1847: `entity` (a MIME entity: its Content-* header fields, an empty
 * line, the body) becomes multipart/signed with a detached SHA-256 SignedData. The first part is
 * the entity in canonical, transport-safe form — byte for byte what was signed.
 */
export function signMime(entity: Buffer, signer: Signer, signingTime?: Date): Buffer {
  const content = canonicaliseEntity(entity)
  const signature = createSignedData(content, signer, { detached: true, ...(signingTime ? { signingTime } : {}) })
  const boundary = newBoundary(randomBytes(12))
  return Buffer.concat([
    Buffer.from(
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;\r\n boundary="${boundary}"\r\n\r\n` +
        'This is a cryptographically signed message in MIME format.\r\n\r\n' +
        `--${boundary}\r\n`,
    ),
    content,
    Buffer.from(
      `\r\n--${boundary}\r\n` +
        'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename="smime.p7s"\r\n' +
        'Content-Description: S/MIME Cryptographic Signature\r\n\r\n',
    ),
    base64Lines(signature),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
}

/** A recipient's certificate, and the content encryption their client announced (RFC 8551 §2.7.1), if known. */
export interface EncryptionRecipient {
  certificate: Certificate
  capabilities: readonly string[] | null
}

/**
 * RFC 8551 §2.7: AES-GCM (AuthEnvelopedData) only when every recipient said it can read it;
 * otherwise AES-256-CBC, which every S/MIME client reads.
 */
export function contentEncryptionFor(recipients: EncryptionRecipient[]): ContentEncryption {
  return recipients.every((r) => r.capabilities?.includes(OID.aes256Gcm)) ? 'aes-256-gcm' : 'aes-256-cbc'
}

/**
 * RFC 8551 §3.3: `entity` encrypted to every recipient as application/pkcs7-mime
 * (enveloped-data, or authEnveloped-data with AES-GCM). Include the sender among the
 * recipients so the Sent copy stays readable.
 */
export function encryptMime(entity: Buffer, recipients: EncryptionRecipient[], encryption = contentEncryptionFor(recipients)): Buffer {
  const unique = [...new Map(recipients.map((r) => [r.certificate.fingerprint, r.certificate])).values()]
  const envelope = createEnvelope(canonicaliseEntity(entity), unique, encryption)
  const smimeType = encryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data'
  return Buffer.concat([
    Buffer.from(
      `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"\r\n` +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename="smime.p7m"\r\n' +
        'Content-Description: S/MIME Encrypted Message\r\n\r\n',
    ),
    base64Lines(envelope),
  ])
}

/** Signs, then encrypts the signed entity (RFC 8551 §3.7). */
export function signThenEncryptMime(entity: Buffer, signer: Signer, recipients: EncryptionRecipient[]): Buffer {
  return encryptMime(signMime(entity, signer), recipients)
}

export interface ProtectOptions {
  /** sign with this signer */
  signer?: Signer | undefined
  /** encrypt to these (the sender's own certificate included) */
  recipients?: EncryptionRecipient[] | undefined
}

/**
 * A whole RFC 5322 message (as nodemailer builds it) with its body protected: the Content-*
 * fields and body become the S/MIME entity; From, To, Subject, Date, Message-ID … stay outside.
 */
export function protectMessage(message: Buffer, options: ProtectOptions): Buffer {
  const { outer, entity } = splitMessage(message)
  let protectedEntity = entity
  if (options.signer) protectedEntity = signMime(protectedEntity, options.signer)
  if (options.recipients) protectedEntity = encryptMime(protectedEntity, options.recipients)
  return joinMessage(outer, protectedEntity)
}
