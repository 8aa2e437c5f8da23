import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import type { CertificateStore } from './certificate-store'
import { joinMessage, splitMessage } from './mime-entity'
import { readSmime, type SmimeReadResult } from './smime-read'
import { encryptMime, signMime, type EncryptionRecipient } from './smime-mime'

export interface ProtectRequest {
  /** the identity that sends: its signing certificate, and its own certificate as a recipient */
  accountId: AccountId
  sign: boolean
  encrypt: boolean
  /** every recipient address (To, Cc, Bcc) when encrypting */
  recipients: string[]
}

/**
 * S/MIME for the rest of main, with keys that never leave it: compose protects what it built,
 * the reader opens what it fetched.
 */
export class SmimeService {
  constructor(readonly store: CertificateStore) {}

  /** Addresses with no valid certificate to encrypt to; compose names them and offers to send unencrypted or cancel. */
  missingRecipientCertificates(addresses: string[]): string[] {
    return this.store.missingRecipientCertificates(addresses)
  }

  /**
   * Signs and/or encrypts whole messages (as nodemailer builds them) that share one body — the
   * submission copy without Bcc and the Sent copy with it. The body is protected once; each
   * message keeps its own header fields. Encrypting never silently downgrades: a recipient without
   * a valid certificate is SMIME_RECIPIENT_CERTIFICATE_MISSING with `details.addresses`.
   */
  async protectMessages(messages: Buffer[], request: ProtectRequest): Promise<Buffer[]> {
    const [first] = messages
    if (!first || (!request.sign && !request.encrypt)) return messages
    let recipients: EncryptionRecipient[] = []
    if (request.encrypt) {
      const missing = this.store.missingRecipientCertificates(request.recipients)
      if (missing.length > 0) {
        throw new QuireError('SMIME_RECIPIENT_CERTIFICATE_MISSING', {
          message: `No valid certificate for ${missing.join(', ')}. Send unencrypted, or ask them for a signed message first.`,
          details: { addresses: missing },
        })
      }
      const sender = this.store.ownRecipient(request.accountId)
      if (!sender) {
        throw new QuireError('SMIME_RECIPIENT_CERTIFICATE_MISSING', {
          message: 'This identity has no certificate for encryption, so you could not read your own Sent copy. Choose one in Settings → Security.',
          details: { addresses: [] },
        })
      }
      recipients = [...request.recipients.map((a) => this.store.recipientFor(a)!), sender]
    }
    let entity = splitMessage(first).entity
    if (request.sign) entity = signMime(entity, await this.store.signer(request.accountId))
    if (request.encrypt) entity = encryptMime(entity, recipients)
    return messages.map((message) => joinMessage(splitMessage(message).outer, entity))
  }

  /**
   * Opens an S/MIME message with my keys and the trust anchors; null when it is not S/MIME.
   * The certificates of a valid signature are remembered for replying encrypted.
   */
  async read(message: Buffer): Promise<SmimeReadResult | null> {
    const result = readSmime(message, { keys: await this.store.keys(), anchors: this.store.anchors(), knownCertificates: this.store.knownCertificates() })
    if (result?.verifiedSigner) {
      try {
        await this.store.collect(result.verifiedSigner)
      } catch (error) {
        // the message is still shown; only remembering the sender's certificate failed
        console.warn('[quire] could not remember a signer’s certificate:', error instanceof Error ? error.message : error)
      }
    }
    return result
  }

  /** Whether decrypted bodies may be cached (and indexed) in plain text; the store and reader honour it. */
  cacheDecrypted(): boolean {
    return this.store.preferences().cacheDecrypted
  }
}
