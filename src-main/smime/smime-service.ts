import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import type { DirectoryCertificateOffer, PeerCertificate } from '../common/domain/smime'
import { canEncrypt, certificateOf, hasAddress, summarize, type Certificate } from './certificate'
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

/** Where other people's certificates can be looked up: the user's LDAP directories (`userCertificate;binary`). */
export interface CertificateDirectory {
  /** DER certificates (base64) published for `email`; an unreachable directory contributes none */
  certificatesFor(email: string, signal?: AbortSignal): Promise<string[]>
}

/** Offers kept for the user to accept, at most this many (a look-up offers a handful). */
const MAX_OFFERS = 200

/**
 * S/MIME for the rest of main, with keys that never leave it: compose protects what it built,
 * the reader opens what it fetched.
 */
export class SmimeService {
  /** certificates directories offered that nothing trusted vouches for, by fingerprint, until the user decides */
  private readonly offered = new Map<string, { address: string; certificate: Certificate }>()

  constructor(
    readonly store: CertificateStore,
    private readonly directory?: CertificateDirectory,
  ) {}

  /** Addresses with no valid certificate to encrypt to; compose names them and offers to send unencrypted or cancel. */
  missingRecipientCertificates(addresses: string[]): string[] {
    return this.store.missingRecipientCertificates(addresses)
  }

  /**
   * The addresses still without a valid certificate after asking the directories for them. A
   * certificate found there that chains to a trusted root is kept (source `directory`) and used;
   * one that does not is offered — returned for the user to look at — and never used until the
   * user accepts it (`acceptDirectoryCertificate`).
   */
  async resolveRecipients(addresses: string[], signal?: AbortSignal): Promise<{ missing: string[]; offers: DirectoryCertificateOffer[] }> {
    const lacking = this.store.missingRecipientCertificates(addresses)
    if (lacking.length === 0 || !this.directory) return { missing: lacking, offers: [] }
    const offers: DirectoryCertificateOffer[] = []
    const trusted: Certificate[] = []
    await Promise.all(
      lacking.map(async (address) => {
        for (const certificate of await this.published(address, signal)) {
          const { status, reason } = this.store.assess(certificate)
          if (status === 'valid') trusted.push(certificate)
          // expired or not yet valid: trusting it would not make it usable
          else if (status === 'untrusted') {
            this.remember(certificate, address)
            offers.push({ ...summarize(certificate), address, status, reason })
          }
        }
      }),
    )
    if (trusted.length > 0) await this.store.addDirectoryPeers(trusted)
    const missing = this.store.missingRecipientCertificates(addresses)
    return { missing, offers: offers.filter((offer) => missing.includes(offer.address)) }
  }

  /** The user trusts a certificate a directory offered for `address`: kept, trusted exactly as it is, used from now on. */
  async acceptDirectoryCertificate(address: string, fingerprint: string): Promise<PeerCertificate> {
    const wanted = address.trim().toLowerCase()
    const offer = this.offered.get(fingerprint)
    if (!offer || offer.address !== wanted) {
      throw new QuireError('NOT_FOUND', { message: `The directory’s certificate for ${wanted} is no longer at hand. Send again to look it up once more.` })
    }
    const [peer] = await this.store.addDirectoryPeers([offer.certificate], { trustedAsIs: true })
    if (!peer) throw new QuireError('BAD_INPUT', { message: 'That certificate cannot be used for encryption.' })
    this.offered.delete(fingerprint)
    return peer
  }

  /** The directory's certificates for `address` that name it and allow encryption; none when the look-up fails. */
  private async published(address: string, signal?: AbortSignal): Promise<Certificate[]> {
    let ders: string[]
    try {
      ders = (await this.directory?.certificatesFor(address, signal)) ?? []
    } catch (error) {
      // the user still gets the "no certificate" choice; the directory's failure is not theirs to fix here
      console.warn(`[quire] looking up a certificate for ${address} failed:`, error instanceof Error ? error.message : error)
      return []
    }
    const certificates: Certificate[] = []
    for (const der of ders) {
      try {
        const certificate = certificateOf(der)
        if (hasAddress(certificate, address) && canEncrypt(certificate)) certificates.push(certificate)
      } catch {
        // a value that is not a certificate is skipped; the others still count
      }
    }
    return certificates
  }

  private remember(certificate: Certificate, address: string): void {
    this.offered.delete(certificate.fingerprint)
    this.offered.set(certificate.fingerprint, { address, certificate })
    while (this.offered.size > MAX_OFFERS) this.offered.delete(this.offered.keys().next().value!)
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
      const { missing, offers } = await this.resolveRecipients(request.recipients)
      if (missing.length > 0) {
        throw new QuireError('SMIME_RECIPIENT_CERTIFICATE_MISSING', {
          message: `No valid certificate for ${missing.join(', ')}. Send unencrypted, or ask them for a signed message first.`,
          // offers: certificates a directory has for them that the user may look at and trust
          details: { addresses: missing, offers },
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
