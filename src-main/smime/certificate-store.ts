import { createPrivateKey, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { rootCertificates } from 'node:tls'
import { z } from 'zod'
import { writeFileAtomic } from '../accounts/atomic-file'
import type { CredentialVault } from '../accounts/vault'
import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import {
  Fingerprint,
  IdentitySmime,
  PeerCertificateSource,
  SmimePreferences,
  type CertificateStatus,
  type OwnCertificate,
  type PeerCertificate,
  type SmimeState,
  type TrustedCertificate,
} from '../common/domain/smime'
import { canEncrypt, canSign, certificateOf, hasAddress, isValidAt, pemBlocks, summarize, toPem, type Certificate } from './certificate'
import { AnchorSet, anchorsOf, evaluatePath, type TrustAnchors } from './certificate-path'
import type { RecipientKey } from './cms-enveloped-data'
import { OUR_CAPABILITIES, type Signer } from './cms-signed-data'
import { child, oidOf, readDer, Tag } from './der'
import { OID } from './oids'
import { Pkcs12PasswordError, readPkcs12 } from './pkcs12'
import type { VerifiedSigner } from './smime-read'
import { SmimeFormatError, SmimeUnsupportedError } from './smime-errors'
import type { EncryptionRecipient } from './smime-mime'

const Der = z.string().max(64_000)

/** smime.json in main's data dir: certificates (public), choices, preferences. Private keys live in the vault. */
const StoredSmime = z.object({
  version: z.literal(1),
  own: z.array(z.object({ der: Der, chain: z.array(Der), importedAt: z.string() })),
  identities: z.array(IdentitySmime),
  peers: z.array(
    z.object({
      der: Der,
      source: PeerCertificateSource,
      addedAt: z.string(),
      capabilities: z.array(z.string()).nullable(),
      /** the user trusted exactly this certificate: valid while in its dates, never an anchor for others */
      trustedAsIs: z.boolean().optional(),
    }),
  ),
  /** CA certificates seen in chains: help build paths, are not trusted */
  intermediates: z.array(Der),
  /** address → the certificate the user picked for it */
  preferred: z.record(z.string(), Fingerprint),
  trusted: z.array(z.object({ der: Der, addedAt: z.string() })),
  preferences: SmimePreferences,
})
type StoredSmime = z.infer<typeof StoredSmime>

const EMPTY: StoredSmime = {
  version: 1,
  own: [],
  identities: [],
  peers: [],
  intermediates: [],
  preferred: {},
  trusted: [],
  preferences: { cacheDecrypted: false, useSystemRoots: true },
}

/** Accounts as the store needs them: an identity is an account's address. */
export interface Identities {
  list(): { id: AccountId; email: string }[]
}

const keyName = (fingerprint: string) => `smime:${fingerprint.replace(/:/g, '').toLowerCase()}:key`

let systemRoots: AnchorSet | undefined
/** Node's copy of the Mozilla root store (tls.rootCertificates), parsed once, on first use. */
function systemAnchors(): AnchorSet {
  if (!systemRoots) {
    const parsed: Certificate[] = []
    for (const pem of rootCertificates) {
      try {
        parsed.push(certificateOf(pemBlocks(pem)[0]!))
      } catch {
        // a root Node ships but we cannot parse cannot anchor anything
      }
    }
    systemRoots = new AnchorSet(parsed)
  }
  return systemRoots
}

/**
 * The user's S/MIME certificates: their own (from PKCS#12, keys in the vault), the choices per
 * identity, other people's certificates (collected from valid signed mail or imported), trust
 * anchors, and the preferences. One write at a time, atomically; listeners get each new state.
 */
export class CertificateStore {
  private data: StoredSmime = structuredClone(EMPTY)
  private readonly listeners = new Set<(state: SmimeState) => void>()
  private writes: Promise<void> = Promise.resolve()
  private cache: ReturnType<CertificateStore['derived']> | undefined

  private constructor(
    private readonly file: string,
    private readonly vault: CredentialVault,
    private readonly identities: Identities,
  ) {}

  static async open(options: { file: string; vault: CredentialVault; identities: Identities }): Promise<CertificateStore> {
    const store = new CertificateStore(options.file, options.vault, options.identities)
    try {
      store.data = StoredSmime.parse(JSON.parse(await readFile(options.file, 'utf8')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new QuireError('INTERNAL', { message: `The S/MIME certificate list ${options.file} could not be read; it was left untouched.`, cause: error })
      }
    }
    return store
  }

  // ---- reading ----

  /**
   * Anchors, known certificates and statuses, derived from the data: rebuilt after every change,
   * and once a minute (statuses depend on the clock).
   */
  private derived(): { anchors: TrustAnchors; known: Certificate[]; asIs: Set<string>; statuses: Map<string, CertificateStatus>; until: number } {
    if (!this.cache || Date.now() > this.cache.until) {
      const own = new AnchorSet(this.data.trusted.map((t) => certificateOf(t.der)))
      this.cache = {
        anchors: this.data.preferences.useSystemRoots ? anchorsOf(own, systemAnchors()) : own,
        known: [...this.data.intermediates, ...this.data.peers.map((p) => p.der), ...this.data.own.flatMap((o) => o.chain)].map((der) => certificateOf(der)),
        asIs: new Set(this.data.peers.filter((p) => p.trustedAsIs).map((p) => certificateOf(p.der).fingerprint)),
        statuses: new Map(),
        until: Date.now() + 60_000,
      }
    }
    return this.cache
  }

  anchors(): TrustAnchors {
    return this.derived().anchors
  }

  /** Intermediates, peers and my chains: the certificates that help build paths and identify signers. */
  knownCertificates(): readonly Certificate[] {
    return this.derived().known
  }

  /** Today's status of `cert`; `extra` certificates (a message's chain) may help build its path. */
  private statusOf(cert: Certificate, extra: Certificate[] = []): CertificateStatus {
    const { anchors, known, statuses, asIs } = this.derived()
    // trusted as it is (not as an anchor: a self-signed directory certificate often says CA:TRUE, and must not vouch for others)
    if (asIs.has(cert.fingerprint)) return datesStatus(cert, new Date())
    if (extra.length > 0) return evaluatePath(cert, [...extra, ...known], anchors, new Date()).status
    let status = statuses.get(cert.fingerprint)
    if (!status) {
      status = evaluatePath(cert, [...known], anchors, new Date()).status
      statuses.set(cert.fingerprint, status)
    }
    return status
  }

  preferences(): SmimePreferences {
    return { ...this.data.preferences }
  }

  identity(accountId: AccountId): IdentitySmime {
    return this.data.identities.find((i) => i.accountId === accountId) ?? { accountId, signingCertificate: null, encryptionCertificate: null, signByDefault: false, encryptByDefault: false }
  }

  state(): SmimeState {
    const own: OwnCertificate[] = this.data.own.map((o) => {
      const cert = certificateOf(o.der)
      const chain = o.chain.map((c) => certificateOf(c))
      return { ...summarize(cert), status: this.statusOf(cert), chain: chain.map(summarize), importedAt: o.importedAt }
    })
    const peers: PeerCertificate[] = this.data.peers.map((p) => {
      const cert = certificateOf(p.der)
      const preferredFor = cert.emails.filter((address) => this.recipientFor(address)?.certificate.fingerprint === cert.fingerprint)
      return { ...summarize(cert), status: this.statusOf(cert), source: p.source, addedAt: p.addedAt, preferredFor, capabilities: p.capabilities, ...(p.trustedAsIs ? { trustedAsIs: true } : {}) }
    })
    const trusted: TrustedCertificate[] = this.data.trusted.map((t) => ({ ...summarize(certificateOf(t.der)), addedAt: t.addedAt }))
    const identities = this.identities.list().map((account) => this.identity(account.id))
    return { own, identities, peers, trusted, preferences: this.preferences(), systemRootCount: this.data.preferences.useSystemRoots ? rootCertificates.length : 0 }
  }

  onChange(listener: (state: SmimeState) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // ---- my certificates ----

  /** Imports a .p12/.pfx: the key into the vault, the certificate and chain into the list. */
  async importPkcs12(data: Buffer, password: string): Promise<OwnCertificate> {
    let contents: ReturnType<typeof readPkcs12>
    try {
      contents = readPkcs12(data, password)
    } catch (error) {
      throw importError(error)
    }
    const cert = certificateOf(contents.certificate)
    const pem = contents.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    // the key first: a certificate in the list without its key could not sign or decrypt
    await this.vault.set(keyName(cert.fingerprint), pem)
    const entry = { der: cert.der.toString('base64'), chain: contents.chain.map((c) => c.toString('base64')), importedAt: new Date().toISOString() }
    await this.update((data) => {
      data.own = [...data.own.filter((o) => certificateOf(o.der).fingerprint !== cert.fingerprint), entry]
      // an identity with this address and no choice yet gets this certificate
      for (const account of this.identities.list()) {
        if (!hasAddress(cert, account.email)) continue
        const identity = this.identity(account.id)
        const next = {
          ...identity,
          signingCertificate: identity.signingCertificate ?? (canSign(cert) ? cert.fingerprint : null),
          encryptionCertificate: identity.encryptionCertificate ?? (canEncrypt(cert) ? cert.fingerprint : null),
        }
        data.identities = [...data.identities.filter((i) => i.accountId !== account.id), next]
      }
    })
    return this.state().own.find((o) => o.fingerprint === cert.fingerprint)!
  }

  async removeOwn(fingerprint: string): Promise<void> {
    this.ownEntry(fingerprint)
    await this.update((data) => {
      data.own = data.own.filter((o) => certificateOf(o.der).fingerprint !== fingerprint)
      data.identities = data.identities.map((i) => ({
        ...i,
        signingCertificate: i.signingCertificate === fingerprint ? null : i.signingCertificate,
        encryptionCertificate: i.encryptionCertificate === fingerprint ? null : i.encryptionCertificate,
      }))
    })
    await this.vault.delete(keyName(fingerprint))
  }

  async setIdentity(identity: IdentitySmime): Promise<IdentitySmime> {
    if (!this.identities.list().some((a) => a.id === identity.accountId)) throw new QuireError('NOT_FOUND', { message: 'That account no longer exists.' })
    for (const [fingerprint, use] of [[identity.signingCertificate, 'signing'], [identity.encryptionCertificate, 'encryption']] as const) {
      if (!fingerprint) continue
      const cert = certificateOf(this.ownEntry(fingerprint).der)
      if (use === 'signing' ? !canSign(cert) : !canEncrypt(cert)) {
        throw new QuireError('BAD_INPUT', { message: `That certificate is not meant for ${use === 'signing' ? 'signing' : 'encryption'}.` })
      }
    }
    await this.update((data) => {
      data.identities = [...data.identities.filter((i) => i.accountId !== identity.accountId), identity]
    })
    return identity
  }

  private ownEntry(fingerprint: string): StoredSmime['own'][number] {
    const entry = this.data.own.find((o) => certificateOf(o.der).fingerprint === fingerprint)
    if (!entry) throw new QuireError('NOT_FOUND', { message: 'That certificate is no longer in your list.' })
    return entry
  }

  private async privateKey(cert: Certificate): Promise<KeyObject> {
    const pem = await this.vault.get(keyName(cert.fingerprint))
    if (!pem) throw new QuireError('SMIME_NO_PRIVATE_KEY')
    return createPrivateKey(pem)
  }

  /** What signs for this identity: its chosen certificate, key, chain and encryption preference. */
  async signer(accountId: AccountId): Promise<Signer> {
    const identity = this.identity(accountId)
    if (!identity.signingCertificate) throw new QuireError('SMIME_NO_SIGNING_CERTIFICATE')
    const entry = this.ownEntry(identity.signingCertificate)
    const certificate = certificateOf(entry.der)
    const chain = entry.chain.map((c) => certificateOf(c)).filter((c) => !c.subjectName.equals(c.issuerName))
    const encryption = identity.encryptionCertificate ? certificateOf(this.ownEntry(identity.encryptionCertificate).der) : undefined
    return { privateKey: await this.privateKey(certificate), certificate, chain, encryptionCertificate: encryption }
  }

  /** The sender's own certificate to encrypt to, so the Sent copy stays readable. */
  ownRecipient(accountId: AccountId): EncryptionRecipient | undefined {
    const identity = this.identity(accountId)
    const fingerprint = identity.encryptionCertificate ?? identity.signingCertificate
    const entry = fingerprint ? this.data.own.find((o) => certificateOf(o.der).fingerprint === fingerprint) : undefined
    if (!entry) return undefined
    const certificate = certificateOf(entry.der)
    return canEncrypt(certificate) ? { certificate, capabilities: OUR_CAPABILITIES } : undefined
  }

  /** Every key I hold, for decryption (whichever one a message was encrypted to). */
  async keys(): Promise<RecipientKey[]> {
    const keys: RecipientKey[] = []
    for (const entry of this.data.own) {
      const certificate = certificateOf(entry.der)
      const pem = await this.vault.get(keyName(certificate.fingerprint))
      if (pem) keys.push({ certificate, privateKey: createPrivateKey(pem) })
    }
    return keys
  }

  // ---- other people's certificates ----

  /**
   * The certificate to encrypt to `address`: the user's pick when it is valid, else the newest
   * valid one (latest notBefore). My own certificates count too (writing to myself).
   */
  recipientFor(address: string): EncryptionRecipient | undefined {
    const wanted = address.trim().toLowerCase()
    const candidates: EncryptionRecipient[] = [
      ...this.data.peers.map((p) => ({ certificate: certificateOf(p.der), capabilities: p.capabilities })),
      ...this.data.own.map((o) => ({ certificate: certificateOf(o.der), capabilities: OUR_CAPABILITIES })),
    ].filter((c) => hasAddress(c.certificate, wanted) && canEncrypt(c.certificate) && this.statusOf(c.certificate) === 'valid')
    const picked = this.data.preferred[wanted]
    return candidates.find((c) => c.certificate.fingerprint === picked) ?? candidates.sort((a, b) => b.certificate.notBefore.getTime() - a.certificate.notBefore.getTime())[0]
  }

  /** The addresses that have no valid certificate to encrypt to (compose says who; never a silent downgrade). */
  missingRecipientCertificates(addresses: string[]): string[] {
    return [...new Set(addresses.map((a) => a.trim().toLowerCase()))].filter((a) => !this.recipientFor(a))
  }

  /** Remembers the certificates of a signature that verified as valid (RFC 8551 §2.5.3 preference included). */
  async collect(verified: VerifiedSigner): Promise<void> {
    const anchors = this.anchors()
    const candidates = [verified.certificate, verified.encryptionCertificate].filter((c): c is Certificate => c !== undefined)
    const own = new Set(this.data.own.map((o) => certificateOf(o.der).fingerprint))
    const usable = candidates.filter(
      (c) => !own.has(c.fingerprint) && canEncrypt(c) && c.emails.some((e) => hasAddress(verified.certificate, e)) && this.statusOf(c, verified.chain) === 'valid',
    )
    const caCerts = verified.chain.filter((c) => c.isCa && !anchors.isAnchor(c))
    const known = new Set(this.data.peers.map((p) => certificateOf(p.der).fingerprint))
    const knownIntermediates = new Set(this.data.intermediates.map((d) => certificateOf(d).fingerprint))
    const capabilities = verified.capabilities ?? null
    const changes = usable.some((c) => !known.has(c.fingerprint)) || caCerts.some((c) => !knownIntermediates.has(c.fingerprint)) ||
      this.data.peers.some((p) => usable.some((c) => c.der.toString('base64') === p.der) && JSON.stringify(p.capabilities) !== JSON.stringify(capabilities))
    if (!changes) return
    await this.update((data) => {
      const now = new Date().toISOString()
      for (const cert of usable) {
        const der = cert.der.toString('base64')
        const existing = data.peers.find((p) => p.der === der)
        if (existing) existing.capabilities = capabilities ?? existing.capabilities
        else data.peers.push({ der, source: 'mail', addedAt: now, capabilities })
      }
      for (const cert of caCerts) if (!knownIntermediates.has(cert.fingerprint)) data.intermediates.push(cert.der.toString('base64'))
    })
  }

  /**
   * Imports someone's certificates from a .cer/.crt (DER or PEM), .pem or .p7c (PKCS#7 certs-only).
   * End-entity certificates with an address become peers; CA certificates help build paths.
   */
  async importPeers(data: Buffer, source: z.infer<typeof PeerCertificateSource> = 'file'): Promise<{ added: PeerCertificate[]; authorities: number }> {
    const certificates = certificatesInFile(data)
    const ends = certificates.filter((c) => !c.isCa && c.emails.length > 0)
    const authorities = certificates.filter((c) => c.isCa)
    if (ends.length === 0 && authorities.length === 0) {
      throw new QuireError('SMIME_UNREADABLE', { message: 'The file holds no certificate with an email address.' })
    }
    const own = new Set(this.data.own.map((o) => certificateOf(o.der).fingerprint))
    await this.update((store) => {
      const now = new Date().toISOString()
      for (const cert of ends) {
        const der = cert.der.toString('base64')
        if (!own.has(cert.fingerprint) && !store.peers.some((p) => p.der === der)) store.peers.push({ der, source, addedAt: now, capabilities: null })
      }
      for (const cert of authorities) {
        const der = cert.der.toString('base64')
        if (!store.intermediates.includes(der)) store.intermediates.push(der)
      }
    })
    const fingerprints = new Set(ends.map((c) => c.fingerprint))
    return { added: this.state().peers.filter((p) => fingerprints.has(p.fingerprint)), authorities: authorities.length }
  }

  /**
   * Where a certificate someone else could be encrypted to stands today, and why in words: the
   * check compose makes of a certificate a directory publishes.
   */
  assess(cert: Certificate): { status: CertificateStatus; reason: string } {
    const { anchors, known, asIs } = this.derived()
    if (asIs.has(cert.fingerprint)) return { status: datesStatus(cert, new Date()), reason: 'you trust this certificate' }
    const path = evaluatePath(cert, [...known], anchors, new Date())
    return { status: path.status, reason: path.reason }
  }

  /**
   * Keeps certificates a directory publishes (source `directory`). `trustedAsIs`: the user looked
   * at one that nothing they trust vouches for and trusts exactly it. An address's certificate
   * must name it and allow encryption; a self-signed one saying CA:TRUE is still a person's here.
   */
  async addDirectoryPeers(certificates: Certificate[], options: { trustedAsIs?: boolean } = {}): Promise<PeerCertificate[]> {
    const own = new Set(this.data.own.map((o) => certificateOf(o.der).fingerprint))
    const usable = certificates.filter((c) => !own.has(c.fingerprint) && c.emails.length > 0 && canEncrypt(c))
    if (usable.length === 0) return []
    await this.update((data) => {
      const now = new Date().toISOString()
      for (const cert of usable) {
        const der = cert.der.toString('base64')
        const existing = data.peers.find((p) => p.der === der)
        if (existing) {
          if (options.trustedAsIs) existing.trustedAsIs = true
        } else {
          data.peers.push({ der, source: 'directory', addedAt: now, capabilities: null, ...(options.trustedAsIs ? { trustedAsIs: true } : {}) })
        }
      }
    })
    const fingerprints = new Set(usable.map((c) => c.fingerprint))
    return this.state().peers.filter((p) => fingerprints.has(p.fingerprint))
  }

  async removePeer(fingerprint: string): Promise<void> {
    await this.update((data) => {
      data.peers = data.peers.filter((p) => certificateOf(p.der).fingerprint !== fingerprint)
      data.preferred = Object.fromEntries(Object.entries(data.preferred).filter(([, f]) => f !== fingerprint))
    })
  }

  /** The user's pick for `address` (null: back to the newest valid one). */
  async preferPeer(address: string, fingerprint: string | null): Promise<void> {
    const wanted = address.trim().toLowerCase()
    if (fingerprint && !this.data.peers.some((p) => certificateOf(p.der).fingerprint === fingerprint && hasAddress(certificateOf(p.der), wanted))) {
      throw new QuireError('NOT_FOUND', { message: `That certificate is not one of ${wanted}’s.` })
    }
    await this.update((data) => {
      const { [wanted]: _previous, ...rest } = data.preferred
      data.preferred = fingerprint ? { ...rest, [wanted]: fingerprint } : rest
    })
  }

  // ---- trust ----

  /** Trusts a CA (or one certificate as it is): from a file, or one Quire already has by fingerprint. */
  async trust(input: { data: Buffer } | { fingerprint: string }): Promise<TrustedCertificate[]> {
    let certificates: Certificate[]
    if ('data' in input) {
      certificates = certificatesInFile(input.data)
    } else {
      const known = [...this.knownCertificates(), ...this.data.own.map((o) => certificateOf(o.der))].find((c) => c.fingerprint === input.fingerprint)
      if (!known) throw new QuireError('NOT_FOUND', { message: 'Quire does not have that certificate.' })
      certificates = [known]
    }
    const added = new Set(certificates.map((c) => c.fingerprint))
    await this.update((data) => {
      const now = new Date().toISOString()
      for (const cert of certificates) {
        const der = cert.der.toString('base64')
        if (!data.trusted.some((t) => t.der === der)) data.trusted.push({ der, addedAt: now })
      }
    })
    return this.state().trusted.filter((t) => added.has(t.fingerprint))
  }

  async untrust(fingerprint: string): Promise<void> {
    await this.update((data) => {
      data.trusted = data.trusted.filter((t) => certificateOf(t.der).fingerprint !== fingerprint)
    })
  }

  async setPreferences(preferences: SmimePreferences): Promise<void> {
    await this.update((data) => {
      data.preferences = { ...preferences }
    })
  }

  /** PEM of a certificate Quire holds (for "export" and for tests). */
  pemOf(fingerprint: string): string | undefined {
    const cert = [...this.knownCertificates(), ...this.data.own.map((o) => certificateOf(o.der)), ...this.data.trusted.map((t) => certificateOf(t.der))].find((c) => c.fingerprint === fingerprint)
    return cert ? toPem(cert.der) : undefined
  }

  /** One change at a time, written atomically before it counts; then the listeners hear the new state. */
  private update(change: (data: StoredSmime) => void): Promise<void> {
    const write = this.writes.then(async () => {
      const next = structuredClone(this.data)
      change(next)
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2))
      this.data = next
      this.cache = undefined
      if (this.listeners.size > 0) {
        const state = this.state()
        for (const listener of this.listeners) listener(state)
      }
    })
    this.writes = write.catch(() => {})
    return write
  }
}

/** A certificate trusted as it is: valid within its dates. */
function datesStatus(cert: Certificate, now: Date): CertificateStatus {
  if (now.getTime() < cert.notBefore.getTime()) return 'not-yet-valid'
  return isValidAt(cert, now) ? 'valid' : 'expired'
}

/** The certificates in a .cer/.crt/.pem/.p7c/.p7b file (DER or PEM). */
export function certificatesInFile(data: Buffer): Certificate[] {
  try {
    const text = data.toString('latin1')
    if (text.includes('-----BEGIN')) {
      const ders = [...pemBlocks(text), ...pemBlocks(text, 'PKCS7').flatMap(certificatesInPkcs7)]
      return ders.map(certificateOf)
    }
    const root = readDer(data, true)
    if (root.children[0]?.tag === Tag.Oid && oidOf(child(root, 0)) === OID.signedData) return certificatesInPkcs7(data).map(certificateOf)
    return [certificateOf(Buffer.from(root.raw))]
  } catch (error) {
    if (error instanceof QuireError) throw error
    throw new QuireError('SMIME_UNREADABLE', { cause: error })
  }
}

/** PKCS#7/CMS certs-only (RFC 8551 §3.6, .p7c): SignedData with certificates and no signers. */
function certificatesInPkcs7(der: Buffer): Buffer[] {
  const root = readDer(der, true)
  const signedData = child(child(root, 1), 0, Tag.Sequence)
  const set = signedData.children.find((c) => c.tag === 0xa0)
  return (set?.children ?? []).filter((c) => c.tag === Tag.Sequence).map((c) => Buffer.from(c.raw))
}

function importError(error: unknown): QuireError {
  if (error instanceof Pkcs12PasswordError) return new QuireError('SMIME_WRONG_PASSWORD')
  if (error instanceof SmimeUnsupportedError) {
    return new QuireError('SMIME_UNSUPPORTED', { message: `This file is protected with ${error.algorithm}, which Quire does not support. Export it again with AES (the default of current systems).` })
  }
  if (error instanceof SmimeFormatError) return new QuireError('SMIME_UNREADABLE', { message: `Quire cannot read this file as a .p12/.pfx certificate: ${error.message}.` })
  return new QuireError('SMIME_UNREADABLE', { cause: error })
}
