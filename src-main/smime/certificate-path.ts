import type { CertificateStatus } from '../common/domain/smime'
import { isValidAt, type Certificate } from './certificate'

/** Trust anchors: the user's own list, and the system's roots when enabled. */
export interface TrustAnchors {
  /** this exact certificate is trusted (a CA or a single certificate the user trusted) */
  isAnchor(cert: Certificate): boolean
  /** anchors whose subject is `cert`'s issuer */
  issuersOf(cert: Certificate): Certificate[]
}

export interface PathResult {
  status: CertificateStatus
  /** leaf first, up to the anchor when one was reached */
  chain: Certificate[]
  reason: string
}

const MAX_PATH = 8

/**
 * RFC 5280 §6 as far as S/MIME needs it: a path from `leaf` through `intermediates` (the
 * message's certificates and ones collected earlier) to a trust anchor, each signature checked
 * with the issuer's key, each issuer a CA, every certificate valid at `at` (the signing time,
 * RFC 8550 §4.2). Revocation is not checked.
 */
export function evaluatePath(leaf: Certificate, intermediates: Certificate[], anchors: TrustAnchors, at: Date): PathResult {
  let best: Certificate[] = [leaf]
  const search = (path: Certificate[]): Certificate[] | undefined => {
    const current = path[path.length - 1]!
    if (path.length > best.length) best = path
    if (anchors.isAnchor(current)) return path
    if (path.length >= MAX_PATH) return undefined
    const candidates = [...anchors.issuersOf(current), ...intermediates]
    for (const issuer of candidates) {
      if (path.some((c) => c.fingerprint === issuer.fingerprint)) continue
      if (!issues(issuer, current, anchors.isAnchor(issuer))) continue
      const found = search([...path, issuer])
      if (found) return found
    }
    return undefined
  }
  const path = search([leaf])
  if (!path) {
    const top = best[best.length - 1]!
    return { status: 'untrusted', chain: best, reason: `${describe(top)} was issued by “${commonNameOf(top.x509.issuer)}”, which you do not trust` }
  }
  for (const cert of path) {
    if (at.getTime() < cert.notBefore.getTime()) return { status: 'not-yet-valid', chain: path, reason: `${describe(cert)} is valid only from ${cert.notBefore.toISOString().slice(0, 10)}` }
    if (!isValidAt(cert, at)) return { status: 'expired', chain: path, reason: `${describe(cert)} expired on ${cert.notAfter.toISOString().slice(0, 10)}` }
  }
  return { status: 'valid', chain: path, reason: path.length === 1 ? 'you trust this certificate' : `issued by “${commonNameOf(path[path.length - 1]!.x509.subject)}”, which you trust` }
}

function issues(issuer: Certificate, subject: Certificate, isAnchor: boolean): boolean {
  if (!issuer.subjectName.equals(subject.issuerName)) return false
  // a trust anchor may be a v1 root without basicConstraints; anything else must say it is a CA
  if (!issuer.isCa && !isAnchor) return false
  if (issuer.keyUsage && !issuer.keyUsage.keyCertSign) return false
  try {
    return subject.x509.verify(issuer.publicKey)
  } catch {
    return false
  }
}

function commonNameOf(lines: string): string {
  const entries = lines.split('\n')
  return (entries.findLast((e) => e.startsWith('CN=')) ?? entries.findLast((e) => e.startsWith('O=')) ?? entries[0] ?? '').replace(/^[^=]+=/, '')
}

function describe(cert: Certificate): string {
  return `the certificate of “${commonNameOf(cert.x509.subject)}”`
}

/** An in-memory anchor set indexed by subject. */
export class AnchorSet implements TrustAnchors {
  private readonly bySubject = new Map<string, Certificate[]>()
  private readonly fingerprints = new Set<string>()

  constructor(certificates: Iterable<Certificate>) {
    for (const cert of certificates) this.add(cert)
  }

  add(cert: Certificate): void {
    if (this.fingerprints.has(cert.fingerprint)) return
    this.fingerprints.add(cert.fingerprint)
    const key = cert.subjectName.toString('base64')
    this.bySubject.set(key, [...(this.bySubject.get(key) ?? []), cert])
  }

  isAnchor(cert: Certificate): boolean {
    return this.fingerprints.has(cert.fingerprint)
  }

  issuersOf(cert: Certificate): Certificate[] {
    return this.bySubject.get(cert.issuerName.toString('base64')) ?? []
  }
}

/** Several anchor sets as one (the user's list, the system's roots). */
export function anchorsOf(...sets: TrustAnchors[]): TrustAnchors {
  return {
    isAnchor: (cert) => sets.some((s) => s.isAnchor(cert)),
    issuersOf: (cert) => sets.flatMap((s) => s.issuersOf(cert)),
  }
}
