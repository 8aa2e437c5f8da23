import { ResultCodeError } from 'ldapts'
import { toConnectionError } from '../accounts/connection-errors'
import { QuireError } from '../common/contract'

export interface LdapServer {
  host: string
  port: number
}

/**
 * What ldapts and the socket throw, as one typed error with a message that says what to do:
 * LDAP result codes (RFC 4511 Appendix A) first, then ldapts's own time-outs and closed
 * connections, then the socket and TLS codes every protocol shares.
 */
export function toDirectoryError(error: unknown, server: LdapServer): QuireError {
  if (error instanceof QuireError) return error
  const where = `The directory ${server.host}:${server.port}`
  const details = { host: server.host, port: server.port, protocol: 'LDAP' }
  if (error instanceof ResultCodeError) {
    switch (error.code) {
      case 49: // invalidCredentials
        return new QuireError('AUTH_FAILED', { message: `${where} refused the bind DN or password. Check them in the directory settings.`, details, cause: error })
      case 32: // noSuchObject
        return new QuireError('BAD_INPUT', { message: `${where} has no entry at the base DN. Check the base DN in the directory settings.`, details, cause: error })
      case 8: // strongerAuthRequired
      case 13: // confidentialityRequired
        return new QuireError('TLS_FAILED', { message: `${where} accepts only protected connections: turn on StartTLS or use ldaps://.`, details, cause: error })
      case 48: // inappropriateAuthentication
      case 50: // insufficientAccessRights
        return new QuireError('FORBIDDEN', { message: `${where} does not let this login search. Enter a bind DN and password in the directory settings.`, details, cause: error })
      case 3: // timeLimitExceeded
        return new QuireError('TIMEOUT', { message: `${where} took too long to search.`, details, cause: error })
      case 51: // busy
      case 52: // unavailable
        return new QuireError('OFFLINE', { message: `${where} is unavailable right now. Quire will ask again next time.`, details, cause: error })
      default:
        return new QuireError('INTERNAL', { message: `${where} answered with LDAP error ${error.code}: ${error.message.trim()}`, details, cause: error })
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  if (/timed out|timeout/i.test(message) && !(error as { code?: unknown }).code) {
    return new QuireError('TIMEOUT', { message: `${where} did not answer in time.`, details, cause: error })
  }
  if (/Connection closed before message response/i.test(message)) {
    return new QuireError('TLS_FAILED', { message: `${where} closed the connection. Check ldap:// or ldaps:// and the port.`, details, cause: error })
  }
  return toConnectionError(error, { ...server, protocol: 'LDAP' })
}
