import { z } from 'zod'
import { AccountId } from './account'

/** SHA-256 of a certificate's DER, "AB:CD:…" (as OpenSSL and Node print it). */
export const Fingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
export type Fingerprint = z.infer<typeof Fingerprint>

/** What is shown of any certificate (RFC 5280 names, RFC 8550 addresses). Dates are ISO 8601. */
export const CertificateSummary = z.object({
  fingerprint: Fingerprint,
  /** RFC 4514 order, most specific first: "CN=Alice, O=Example" */
  subject: z.string(),
  commonName: z.string(),
  issuer: z.string(),
  issuerCommonName: z.string(),
  /** lower-case, from subjectAltName and the subject's emailAddress */
  emails: z.array(z.string()),
  notBefore: z.string(),
  notAfter: z.string(),
  serialNumber: z.string(),
  /** "RSA 2048", "EC P-256" */
  keyAlgorithm: z.string(),
  canSign: z.boolean(),
  canEncrypt: z.boolean(),
  isCa: z.boolean(),
  selfSigned: z.boolean(),
})
export type CertificateSummary = z.infer<typeof CertificateSummary>

/**
 * Where a certificate stands today: `valid` (chains to a trusted root, in its validity period),
 * `expired`, `not-yet-valid`, `untrusted` (no chain to a root the user or the system trusts).
 */
export const CertificateStatus = z.enum(['valid', 'expired', 'not-yet-valid', 'untrusted'])
export type CertificateStatus = z.infer<typeof CertificateStatus>

/** One of my certificates: imported from PKCS#12 with its private key (which stays in main's vault). */
export const OwnCertificate = CertificateSummary.extend({
  status: CertificateStatus,
  /** the issuing chain that came with it, leaf's issuer first */
  chain: z.array(CertificateSummary),
  importedAt: z.string(),
})
export type OwnCertificate = z.infer<typeof OwnCertificate>

/** An identity's S/MIME choices: which of my certificates signs and which receives encrypted mail. */
export const IdentitySmime = z.object({
  accountId: AccountId,
  signingCertificate: Fingerprint.nullable(),
  encryptionCertificate: Fingerprint.nullable(),
  /** the composer's Sign and Encrypt toggles start in these positions */
  signByDefault: z.boolean(),
  encryptByDefault: z.boolean(),
})
export type IdentitySmime = z.infer<typeof IdentitySmime>

export const PeerCertificateSource = z.enum(['mail', 'file', 'directory'])

/** Someone else's certificate, for encrypting to them and recognising their signatures. */
export const PeerCertificate = CertificateSummary.extend({
  status: CertificateStatus,
  source: PeerCertificateSource,
  addedAt: z.string(),
  /** the one used to encrypt to `address` (the user's pick, else the newest valid one) */
  preferredFor: z.array(z.string()),
  /** RFC 8551 §2.5.2 capabilities their client announced (content encryption OIDs), when known */
  capabilities: z.array(z.string()).nullable(),
  /** the user trusted exactly this certificate (one from a directory that nothing they trust vouches for); it vouches for no other */
  trustedAsIs: z.boolean().optional(),
})
export type PeerCertificate = z.infer<typeof PeerCertificate>

/**
 * A certificate a directory (LDAP `userCertificate;binary`) publishes for a recipient, which
 * nothing the user trusts vouches for. Compose shows it — who it names, who issued it, its
 * fingerprint — and uses it only once the user trusts it; never silently.
 */
export const DirectoryCertificateOffer = CertificateSummary.extend({
  /** the recipient it was looked up for */
  address: z.string(),
  status: CertificateStatus,
  /** why it is not trusted, in words */
  reason: z.string(),
})
export type DirectoryCertificateOffer = z.infer<typeof DirectoryCertificateOffer>

/** A trust anchor of the user's own: a CA, or one certificate trusted as it is. */
export const TrustedCertificate = CertificateSummary.extend({ addedAt: z.string() })
export type TrustedCertificate = z.infer<typeof TrustedCertificate>

export const SmimePreferences = z.object({
  /** decrypted bodies may be kept (and indexed) in the local cache; off: they are decrypted each time they are opened */
  cacheDecrypted: z.boolean(),
  /** the operating system's root CAs (as Node ships them) count as trust anchors besides the user's own */
  useSystemRoots: z.boolean(),
})
export type SmimePreferences = z.infer<typeof SmimePreferences>

/** Everything Settings → Security shows, as one snapshot. */
export const SmimeState = z.object({
  own: z.array(OwnCertificate),
  identities: z.array(IdentitySmime),
  peers: z.array(PeerCertificate),
  trusted: z.array(TrustedCertificate),
  preferences: SmimePreferences,
  systemRootCount: z.number().int(),
})
export type SmimeState = z.infer<typeof SmimeState>

/**
 * The one outcome the reader's badge shows for an S/MIME message (RFC 8551 §3, RFC 8550 §4):
 * - `valid`: the signature covers the content, the signer chains to a trusted root, the certificate
 *   was valid at signing time and names the From address
 * - `invalid`: the content or signature was altered
 * - `untrusted`: the signer's certificate does not chain to a trusted root
 * - `expired`: the signer's certificate was not valid when the message was signed
 * - `address-mismatch`: the certificate does not name the From address
 * - `cannot-decrypt`: encrypted, and none of my keys opens it
 * - `encrypted`: decrypted, and not signed
 */
export const SmimeOutcome = z.enum(['valid', 'invalid', 'untrusted', 'expired', 'address-mismatch', 'cannot-decrypt', 'encrypted'])
export type SmimeOutcome = z.infer<typeof SmimeOutcome>

export const SmimeStatus = z.object({
  outcome: SmimeOutcome,
  /** one sentence for the badge's details */
  detail: z.string(),
  signed: z.boolean(),
  encrypted: z.boolean(),
  /** "AES-256-GCM" … when encrypted */
  encryptionAlgorithm: z.string().nullable(),
  signer: CertificateSummary.nullable(),
  /** the signer's chain as verified, leaf first */
  chain: z.array(CertificateSummary),
  /** ISO 8601, from the signingTime attribute (RFC 5652 §11.3) */
  signingTime: z.string().nullable(),
  /** the From address the certificate was matched against */
  from: z.string().nullable(),
})
export type SmimeStatus = z.infer<typeof SmimeStatus>
