import type { ImapFlow } from 'imapflow'
import { QuireError } from '../common/contract'
import type { Account } from '../common/domain/account'
import { toConnectionError } from '../accounts/connection-errors'

/** What imapflow attaches to a failed command (never sent over the contract: it can echo the command). */
interface ImapCommandFailure {
  responseStatus?: unknown
  responseText?: unknown
  serverResponseCode?: unknown
  mailboxMissing?: unknown
}

/** The server answered NO or BAD: the connection itself is fine. */
export function isCommandRefusal(error: unknown): boolean {
  const status = (error as ImapCommandFailure | null)?.responseStatus
  return status === 'NO' || status === 'BAD'
}

/**
 * One typed error for anything a mail operation throws. A connection that went away is OFFLINE
 * (retryable: the renderer keeps the task); a refusal about a folder that does not exist is
 * NOT_FOUND (RFC 5530 NONEXISTENT, RFC 3501 §6.4.7 TRYCREATE).
 */
export function toMailError(error: unknown, account: Pick<Account, 'imap'>, context: { client?: ImapFlow; path?: string } = {}): QuireError {
  if (error instanceof QuireError) return error
  const server = { host: account.imap.host, port: account.imap.port, protocol: 'IMAP' as const }
  const failure = (error ?? {}) as ImapCommandFailure
  if (isCommandRefusal(error)) {
    const code = typeof failure.serverResponseCode === 'string' ? failure.serverResponseCode.toUpperCase() : ''
    const text = typeof failure.responseText === 'string' ? failure.responseText.replace(/\s*\(\d+\.\d+ \+ [^)]*\)\.?$/, '') : ''
    if (failure.mailboxMissing === true || code === 'NONEXISTENT' || code === 'TRYCREATE') {
      return folderNotFoundError(context.path, error)
    }
    if (code === 'OVERQUOTA') return new QuireError('QUOTA_EXCEEDED', { cause: error })
    if (code === 'AUTHENTICATIONFAILED') return toConnectionError(error, server)
    return new QuireError('INTERNAL', {
      message: `The IMAP server ${server.host} refused the request: ${text.slice(0, 300) || 'no reason given'}.`,
      details: { serverResponseCode: code || null },
      cause: error,
    })
  }
  const mapped = toConnectionError(error, server)
  if (mapped.code === 'INTERNAL' && context.client && !context.client.usable) {
    return new QuireError('OFFLINE', { message: `The connection to the IMAP server ${server.host}:${server.port} was lost. Quire will try again.`, details: mapped.details, cause: error })
  }
  return mapped
}

export function folderNotFoundError(path: string | undefined, cause?: unknown): QuireError {
  return new QuireError('NOT_FOUND', {
    message: path ? `The folder “${path}” does not exist on the server. It may have been renamed or deleted elsewhere.` : 'The folder does not exist on the server.',
    ...(path ? { details: { path } } : {}),
    cause,
  })
}

/**
 * The server dropped the connection each time this folder was opened. Dovecot does this when
 * opening a huge folder exceeds the imap process's memory limit (`default_vsz_limit`); retrying
 * cannot help until the server's administrator raises it, so the folder is set aside.
 */
export function folderUnavailableError(path: string, attempts: number, retryAt: number): QuireError {
  // retryable, so the renderer keeps tasks for this folder, while the service answers every
  // call from memory until `retryAt` instead of hitting the server again
  return new QuireError('FOLDER_UNAVAILABLE', {
    message: `The server closed the connection each time Quire opened the folder “${path}” (${attempts} tries). The folder may be too large for the server; other folders keep working.`,
    details: { path, reason: 'server-closed-connection-on-open', attempts, retryAt },
  })
}
