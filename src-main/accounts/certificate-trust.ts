import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { checkServerIdentity, rootCertificates, type ConnectionOptions, type PeerCertificate } from 'node:tls'
import { QuireError } from '../common/contract'
import { writeFileAtomic } from './atomic-file'

interface Pin {
  host: string
  port: number
  fingerprint256: string
  pem: string
}

/**
 * The certificates the user trusted for one host and port, and the TLS options that
 * enforce them. Verification stays on: a pinned certificate becomes a trust anchor
 * (OpenSSL partial chains), and the host name check accepts it only when it is
 * byte-for-byte the pinned one. Anything else — including a changed certificate — fails.
 */
export class CertificateTrust {
  private pins: Pin[] = []

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<CertificateTrust> {
    const trust = new CertificateTrust(file)
    try {
      trust.pins = JSON.parse(await readFile(file, 'utf8')) as Pin[]
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    return trust
  }

  async trust(host: string, port: number, pem: string): Promise<void> {
    let fingerprint256: string
    try {
      fingerprint256 = new X509Certificate(pem).fingerprint256
    } catch (error) {
      throw new QuireError('BAD_INPUT', { message: 'That is not a certificate Quire can read.', cause: error })
    }
    const pins = [...this.pins.filter((p) => !(p.host === host && p.port === port)), { host, port, fingerprint256, pem }]
    await writeFileAtomic(this.file, JSON.stringify(pins, null, 2))
    this.pins = pins
  }

  /** Options for tls.connect (imapflow's and nodemailer's `tls`) to this host and port. */
  tlsOptions(host: string, port: number): ConnectionOptions {
    const pinned = this.pins.filter((p) => p.host === host && p.port === port)
    const base: ConnectionOptions = { rejectUnauthorized: true, minVersion: 'TLSv1.2' }
    if (pinned.length === 0) return base
    return {
      ...base,
      ca: [...rootCertificates, ...extraCertificates(), ...pinned.map((p) => p.pem)],
      allowPartialTrustChain: true,
      checkServerIdentity: (hostname: string, cert: PeerCertificate) =>
        pinned.some((p) => p.fingerprint256 === cert.fingerprint256) ? undefined : checkServerIdentity(hostname, cert),
    }
  }
}

/** Passing `ca` replaces Node's default store, which NODE_EXTRA_CA_CERTS extends: keep those too. */
function extraCertificates(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS
  if (!file) return []
  try {
    return [readFileSync(file, 'utf8')]
  } catch {
    return []
  }
}
