import type { X509Certificate } from 'node:crypto'
import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls'
import type { CertificateInfo, ServerEndpoint } from '../common/domain/account'

/**
 * Fetches the certificate a server presents, for the user to inspect after
 * verification failed. It speaks only up to STARTTLS, sends no credentials and
 * closes at once; this is the one place that completes a handshake with a
 * certificate nobody vouched for, which is why it accepts it without checking.
 */
export async function probeCertificate(
  server: ServerEndpoint,
  protocol: 'imap' | 'smtp',
  reason: string,
  netOptions: ConnectionOptions = {},
): Promise<CertificateInfo | undefined> {
  const timeout = 10_000
  const tlsOptions = (socket?: Socket): ConnectionOptions => ({
    ...netOptions,
    host: server.host,
    port: server.port,
    ...(socket ? { socket } : {}),
    ...(isIp(server.host) ? {} : { servername: server.host }),
    rejectUnauthorized: false, // inspect only: nothing is sent over this connection
  })
  let tlsSocket: TLSSocket | undefined
  let plain: Socket | undefined
  try {
    if (server.security === 'tls') {
      tlsSocket = await handshake(connectTls(tlsOptions()), timeout)
    } else {
      plain = connectTcp({ host: server.host, port: server.port, ...(netOptions.lookup ? { lookup: netOptions.lookup } : {}) })
      await startTls(plain, protocol, timeout)
      tlsSocket = await handshake(connectTls(tlsOptions(plain)), timeout)
    }
    const raw = tlsSocket.getPeerX509Certificate()
    return raw ? describeCertificate(raw, server.host, server.port, reason) : undefined
  } catch {
    return undefined
  } finally {
    tlsSocket?.destroy()
    plain?.destroy()
  }
}

/** What the user is shown before trusting a certificate presented at host:port. */
export function describeCertificate(cert: X509Certificate, host: string, port: number, reason: string): CertificateInfo {
  return {
    host,
    port,
    subject: cert.subject.replaceAll('\n', ', '),
    issuer: cert.issuer.replaceAll('\n', ', '),
    fingerprint256: cert.fingerprint256,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    ...(cert.subjectAltName ? { altNames: cert.subjectAltName } : {}),
    reason,
    pem: cert.toString(),
  }
}

function handshake(socket: TLSSocket, timeout: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), timeout)
    socket.once('secureConnect', () => (clearTimeout(timer), resolve(socket)))
    socket.once('error', (error) => (clearTimeout(timer), reject(error)))
  })
}

/** RFC 3501 §6.2.1 STARTTLS / RFC 3207 STARTTLS: read the greeting, ask, wait for the go-ahead. */
function startTls(socket: Socket, protocol: 'imap' | 'smtp', timeout: number): Promise<void> {
  const steps =
    protocol === 'imap'
      ? [{ expect: /^\* OK/m, send: 'q1 STARTTLS\r\n' }, { expect: /^q1 OK/m }]
      : [{ expect: /^220 /m, send: 'EHLO quire\r\n' }, { expect: /^250 /m, send: 'STARTTLS\r\n' }, { expect: /^220 /m }]
  return new Promise((resolve, reject) => {
    let buffer = ''
    let step = 0
    const timer = setTimeout(() => reject(new Error('timeout')), timeout)
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('latin1')
      while (step < steps.length && steps[step]!.expect.test(buffer)) {
        const next = steps[step]!
        buffer = ''
        step++
        if (next.send) socket.write(next.send)
      }
      if (step === steps.length) {
        clearTimeout(timer)
        socket.off('data', onData)
        resolve()
      }
    }
    socket.on('data', onData)
    socket.once('error', (error) => (clearTimeout(timer), reject(error)))
  })
}

const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':')
