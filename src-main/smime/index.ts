/**
 * S/MIME (RFC 8551) in main: certificates and keys (keys only ever in the vault), signing and
 * encryption for compose, decryption and verification for the reader.
 *
 * For compose: `SmimeService.protectMessages` (whole messages as nodemailer builds them) or the
 * entity-level `signMime` / `encryptMime` / `signThenEncryptMime`; `missingRecipientCertificates`
 * before sending encrypted. For the reader: `SmimeService.read` (or `readSmime` with a context).
 */
export { CertificateStore, type Identities } from './certificate-store'
export { SmimeService, type ProtectRequest, type CertificateDirectory } from './smime-service'
export { smimeHandlers } from './smime-handlers'
export { signMime, encryptMime, signThenEncryptMime, protectMessage, contentEncryptionFor, type Signer, type EncryptionRecipient } from './smime-mime'
export { readSmime, isSmime, type ReadContext, type SmimeReadResult, type VerifiedSigner } from './smime-read'
export { certificateOf, summarize, type Certificate } from './certificate'
export { canonicaliseEntity } from './mime-canonical'
export { benchSignThenEncrypt } from './smime-bench'
