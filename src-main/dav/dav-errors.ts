import { toConnectionError } from '../accounts/connection-errors'
import { QuireError } from '../common/contract'

export interface DavServerLabel {
  host: string
  port: number
  protocol: 'CalDAV' | 'CardDAV'
}

/**
 * A transport failure (no HTTP status) as a typed error: the socket's codes through
 * connection-errors.ts, plus what only HTTP clients see — a peer that does not speak HTTP at all
 * (llhttp's HPE_* codes), which means the address names some other kind of server.
 */
export function toDavError(error: unknown, server: DavServerLabel): QuireError {
  if (error instanceof QuireError) return error
  const e = error as { name?: unknown; code?: unknown } | undefined
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return new QuireError('CANCELLED', { cause: error })
  if (typeof e?.code === 'string' && e.code.startsWith('HPE_')) {
    return new QuireError('MISSING_CAPABILITY', {
      message: `${server.host}:${server.port} does not answer in HTTP, so it is not a ${server.protocol} server. Check the address and port.`,
      details: { host: server.host, port: server.port, protocol: server.protocol, codes: [e.code] },
      cause: error,
    })
  }
  return toConnectionError(error, server)
}

/** An HTTP status that failed a DAV request, in words a person can act on. */
export function davHttpError(status: number, url: string, server: DavServerLabel, body = ''): QuireError {
  const details = { status, url, host: server.host, port: server.port, protocol: server.protocol }
  const where = `The ${server.protocol} server ${server.host}:${server.port}`
  switch (true) {
    case status === 401:
      return new QuireError('AUTH_FAILED', { message: `${where} refused the user name or password. Check them and try again.`, details })
    case (status === 403 || status === 409) && /valid-calendar|supported-calendar|valid-address|no-uid-conflict|uid-conflict/i.test(body):
      // RFC 4791 §5.3.2.1 preconditions: the server refused the object itself, not the user
      return new QuireError('BAD_INPUT', { message: `${where} refused this item: ${body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`, details })
    case status === 403:
      return new QuireError('FORBIDDEN', { message: `${where} does not allow this (403 Forbidden). You may have read-only access.`, details })
    case status === 404 || status === 410:
      return new QuireError('NOT_FOUND', { message: `${where} no longer has this item (${status}).`, details })
    case status === 412:
      return new QuireError('CONFLICT', { details })
    case status === 507 || /quota/i.test(body):
      return new QuireError('QUOTA_EXCEEDED', { message: `${where} is out of space (${status}). Delete something and try again.`, details })
    case status === 405 || status === 501:
      return new QuireError('MISSING_CAPABILITY', { message: `${where} does not support this request (${status}).`, details })
    case status === 408 || status === 504:
      return new QuireError('TIMEOUT', { message: `${where} did not answer in time (${status}). Quire will try again.`, details })
    case status === 502 || status === 503:
      return new QuireError('OFFLINE', { message: `${where} is unavailable right now (${status}). Quire will try again.`, details })
    case status >= 500:
      return new QuireError('INTERNAL', { message: `${where} had a problem (${status}). Try again later.`, details })
    default:
      return new QuireError('BAD_INPUT', { message: `${where} refused the request (${status})${body ? `: ${body.slice(0, 200)}` : ''}.`, details })
  }
}
