import { QuireError } from '../common/contract'

/** OpenSSL's verification failures: the certificate may be fine, but nothing we trust vouches for it. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
])

interface NetworkishError {
  code?: unknown
  /** nodemailer keeps the socket's own code here and reports ESOCKET in `code` */
  originalCode?: unknown
  errno?: unknown
  authenticationFailed?: unknown
  serverResponseCode?: unknown
  responseCode?: unknown
  response?: unknown
  command?: unknown
  message?: unknown
  cause?: unknown
  _err?: unknown
  tlsFailed?: unknown
}

function codesOf(error: unknown): string[] {
  const codes: string[] = []
  let current = error as NetworkishError | undefined
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (typeof current.code === 'string') codes.push(current.code)
    if (typeof current.originalCode === 'string') codes.push(current.originalCode)
    if (typeof current.serverResponseCode === 'string') codes.push(current.serverResponseCode)
    current = (current.cause ?? current._err) as NetworkishError | undefined
  }
  return codes
}

/**
 * Turns what net, tls, imapflow and nodemailer throw into one typed error with a
 * message that says what to do. `server` names the server in that message.
 */
export function toConnectionError(error: unknown, server: { host: string; port: number; protocol: 'IMAP' | 'SMTP' | 'CalDAV' | 'CardDAV' | 'LDAP' }): QuireError {
  if (error instanceof QuireError) return error
  const e = (error ?? {}) as NetworkishError
  const codes = codesOf(error)
  const where = `${server.protocol} server ${server.host}:${server.port}`
  const details = { host: server.host, port: server.port, protocol: server.protocol, codes }
  const has = (...names: string[]) => names.some((n) => codes.includes(n))

  if (e.authenticationFailed === true || has('AUTHENTICATIONFAILED', 'EAUTH') || e.responseCode === 535) {
    return new QuireError('AUTH_FAILED', { message: `The ${where} refused the user name or password. Check them and try again.`, details, cause: error })
  }
  const tlsCode = codes.find((c) => UNTRUSTED.has(c))
  if (tlsCode) {
    return new QuireError('TLS_UNTRUSTED', {
      message: `The ${where} presented a certificate that is not trusted (${tlsCode}). Check its details before you trust it.`,
      details: { ...details, reason: tlsCode },
      cause: error,
    })
  }
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) {
    return new QuireError('HOST_NOT_FOUND', { message: `The server name “${server.host}” could not be found. Check the spelling and your network connection.`, details, cause: error })
  }
  if (has('ECONNREFUSED')) {
    return new QuireError('CONNECTION_REFUSED', { message: `Nothing answered at ${server.host}:${server.port}. Check the host, the port and the security setting.`, details, cause: error })
  }
  if (has('ETIMEDOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT')) {
    return new QuireError('TIMEOUT', { message: `The ${where} did not answer in time. Check your network connection, the port and the security setting.`, details, cause: error })
  }
  if (has('ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ECONNRESET', 'EPIPE', 'NoConnection', 'ClosedAfterConnectTLS', 'ClosedAfterConnectText', 'ESOCKET', 'ECONNECTION')) {
    const text = String(e.message ?? '')
    if (/wrong version number|packet length too long|unknown protocol/i.test(text) || e.tlsFailed === true) {
      return new QuireError('TLS_FAILED', { message: `A secure connection to the ${where} could not be set up. Check the security setting (TLS or STARTTLS) for this port.`, details, cause: error })
    }
    return new QuireError('OFFLINE', { message: `The connection to the ${where} was lost. Quire will try again.`, details, cause: error })
  }
  if (codes.some((c) => c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS') || c === 'EPROTO') || e.tlsFailed === true) {
    return new QuireError('TLS_FAILED', { message: `A secure connection to the ${where} could not be set up. Check the security setting (TLS or STARTTLS) for this port.`, details, cause: error })
  }
  if (has('OVERQUOTA') || /over ?quota/i.test(String(e.message ?? ''))) {
    return new QuireError('QUOTA_EXCEEDED', { details, cause: error })
  }
  return new QuireError('INTERNAL', { message: `The ${where} answered something Quire did not expect: ${String(e.message ?? error).slice(0, 300)}`, details, cause: error })
}
