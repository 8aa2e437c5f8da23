import { z } from 'zod'
import { DirectoryCertificateOffer, Fingerprint, IdentitySmime, OwnCertificate, PeerCertificate, SmimePreferences, SmimeState, TrustedCertificate } from '../domain/smime'
import { event, procedure } from './define'

/** A .p12/.pfx is a few KB; a long chain with large keys stays well under this. */
export const MAX_PKCS12_BYTES = 256 * 1024
/** .cer/.pem/.p7c files of other people's certificates (a .p7c may hold a chain or several people) */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024

const base64Of = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4, `The file is larger than ${Math.round(maxBytes / 1024)} KB; that is not a certificate file.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
const Address = z.string().trim().toLowerCase().max(320).pipe(z.email())

export const smimeContract = {
  /** Everything Settings → Security shows. */
  'smime.state': procedure({ input: z.object({}).strict(), output: SmimeState }),
  /** The state whenever it changes (first event: the current state). */
  'smime.changed': event({ input: z.object({}).strict(), payload: SmimeState }),
  /**
   * Imports my certificate and private key from a PKCS#12 file (bytes in base64). The key goes to
   * main's vault and never comes back. A wrong password is SMIME_WRONG_PASSWORD.
   */
  'smime.importPkcs12': procedure({
    input: z.object({ data: base64Of(MAX_PKCS12_BYTES), password: z.string().max(1024) }).strict(),
    output: OwnCertificate,
    maxInputBytes: Math.ceil(MAX_PKCS12_BYTES / 3) * 4 + 4096,
  }),
  /** Forgets one of my certificates and deletes its private key. */
  'smime.removeOwn': procedure({ input: z.object({ fingerprint: Fingerprint }).strict(), output: z.object({}) }),
  /** Which of my certificates an identity signs with and receives encrypted mail for, and the composer's defaults. */
  'smime.setIdentity': procedure({ input: IdentitySmime.strict(), output: IdentitySmime }),
  /** Imports other people's certificates from a .cer/.crt/.pem/.p7c file (bytes in base64). */
  'smime.importPeers': procedure({
    input: z.object({ data: base64Of(MAX_CERTIFICATE_FILE_BYTES) }).strict(),
    output: z.object({ added: z.array(PeerCertificate), authorities: z.number().int() }),
    maxInputBytes: Math.ceil(MAX_CERTIFICATE_FILE_BYTES / 3) * 4 + 1024,
  }),
  'smime.removePeer': procedure({ input: z.object({ fingerprint: Fingerprint }).strict(), output: z.object({}) }),
  /** Use this certificate when encrypting to `address` (null: the newest valid one). */
  'smime.preferPeer': procedure({ input: z.object({ address: Address, fingerprint: Fingerprint.nullable() }).strict(), output: z.object({}) }),
  /** Trusts a CA or a single certificate: one Quire has (by fingerprint), or from a file. */
  'smime.trust': procedure({
    input: z.union([z.object({ fingerprint: Fingerprint }).strict(), z.object({ data: base64Of(MAX_CERTIFICATE_FILE_BYTES) }).strict()]),
    output: z.array(TrustedCertificate),
    maxInputBytes: Math.ceil(MAX_CERTIFICATE_FILE_BYTES / 3) * 4 + 1024,
  }),
  'smime.untrust': procedure({ input: z.object({ fingerprint: Fingerprint }).strict(), output: z.object({}) }),
  'smime.setPreferences': procedure({ input: SmimePreferences.strict(), output: SmimePreferences }),
  /**
   * The addresses without a valid certificate to encrypt to: compose says who before sending
   * encrypted. Main first asks the configured directories for the certificates it lacks: one that
   * chains to a trusted root is kept (source `directory`) and no longer missing; one that does not
   * comes back in `offers`, still missing, for the user to look at and trust or not.
   */
  'smime.missingCertificates': procedure({
    input: z.object({ addresses: z.array(Address).max(1000) }).strict(),
    output: z.object({ missing: z.array(z.string()), offers: z.array(DirectoryCertificateOffer).default([]) }),
  }),
  /**
   * The user trusts a certificate a directory offered for `address` (from the last look-up): it is
   * kept with the others' certificates (source `directory`), trusted as it is — it vouches for no
   * other certificate — and used to encrypt to that address.
   */
  'smime.acceptDirectoryCertificate': procedure({
    input: z.object({ address: Address, fingerprint: Fingerprint }).strict(),
    output: PeerCertificate,
  }),
}
