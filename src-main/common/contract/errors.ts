/**
 * The one catalogue of error codes that may cross the contract. Each code has a
 * message a person can act on and whether retrying may help; services throw
 * `QuireError` with a code (and optionally a more specific message and details).
 */
export const errorCatalogue = {
  BAD_INPUT: { message: 'The request was not understood. This is a bug in Quire; please report it.', retryable: false },
  UNKNOWN_PROCEDURE: { message: 'Quire asked for something this version does not provide. Restart Quire so both halves are the same version.', retryable: false },
  PAYLOAD_TOO_LARGE: { message: 'The request is too large to send in one piece.', retryable: false },
  CANCELLED: { message: 'The operation was cancelled.', retryable: true },
  INTERNAL: { message: 'Something went wrong inside Quire. Try again; if it keeps happening, please report it.', retryable: true },
  AUTH_FAILED: { message: 'The server refused the user name or password. Check them and sign in again.', retryable: false },
  HOST_NOT_FOUND: { message: 'The server name could not be found. Check the host name and your network connection.', retryable: true },
  CONNECTION_REFUSED: { message: 'The server refused the connection. Check the host and port.', retryable: true },
  TIMEOUT: { message: 'The server did not answer in time. Check your network connection and try again.', retryable: true },
  OFFLINE: { message: 'You are offline. The change is kept and will be sent when the connection returns.', retryable: true },
  TLS_UNTRUSTED: { message: 'The server’s certificate is not trusted. Check its details before you trust it.', retryable: false },
  TLS_FAILED: { message: 'A secure connection to the server could not be set up.', retryable: true },
  MISSING_CAPABILITY: { message: 'The server lacks a feature Quire needs.', retryable: false },
  NOT_FOUND: { message: 'The item no longer exists.', retryable: false },
  CONFLICT: { message: 'Someone else changed this item. Choose which version to keep.', retryable: false },
  FORBIDDEN: { message: 'The server does not allow this. You may have read-only access.', retryable: false },
  /** retryable: tasks in the folder wait; main answers from memory until it tries the folder again */
  FOLDER_UNAVAILABLE: { message: 'The server closes the connection whenever this folder is opened; it may be too large for the server. Other folders keep working.', retryable: true },
  /** RFC 5321 §4.2.2 5xx to RCPT TO: nothing was sent; details.refused names each address and the server's reply */
  RECIPIENT_REJECTED: { message: 'The mail server refused a recipient. Nothing was sent; check the address and send again.', retryable: false },
  /** 5xx to MAIL FROM or to the message itself (too large, policy): nothing was sent */
  MESSAGE_REJECTED: { message: 'The mail server refused the message. Nothing was sent; the draft is kept.', retryable: false },
  /** RFC 5321 §4.2.1 4xx: the server cannot take the message now; Quire tries again */
  SEND_DEFERRED: { message: 'The mail server cannot take the message right now. Quire will try again.', retryable: true },
  QUOTA_EXCEEDED: { message: 'The mailbox is full. Delete or archive something and try again.', retryable: false },
  VAULT_LOCKED: { message: 'The credential vault could not be opened: the passphrase or key is wrong. Nothing in it was changed.', retryable: false },
  SMIME_WRONG_PASSWORD: { message: 'That password does not open this certificate file. Check it and try again.', retryable: false },
  SMIME_UNREADABLE: { message: 'Quire cannot read this file as a certificate. Use a .p12 or .pfx file for your own certificate, a .cer, .pem or .p7c file for someone else’s.', retryable: false },
  SMIME_UNSUPPORTED: { message: 'This uses an algorithm Quire does not support.', retryable: false },
  SMIME_NO_PRIVATE_KEY: { message: 'The private key of this certificate is missing. Import the .p12 file again.', retryable: false },
  SMIME_NO_SIGNING_CERTIFICATE: { message: 'No certificate is chosen for signing with this identity. Choose one in Settings → Security.', retryable: false },
  SMIME_RECIPIENT_CERTIFICATE_MISSING: { message: 'Some recipients have no valid certificate, so the message cannot be encrypted to them.', retryable: false },
  VAULT_CORRUPT: { message: 'The credential vault file is damaged. It was left untouched; restore it from a backup or remove it to start over.', retryable: false },
} as const satisfies Record<string, { message: string; retryable: boolean }>

export type ErrorCode = keyof typeof errorCatalogue

/** What an error looks like on the wire. */
export interface ErrorShape {
  code: ErrorCode
  message: string
  retryable: boolean
  details?: Record<string, unknown>
}

/** A typed error a service throws; the router sends its shape to the caller. */
export class QuireError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, options: { message?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(options.message ?? errorCatalogue[code].message, { cause: options.cause })
    this.name = 'QuireError'
    this.code = code
    this.retryable = errorCatalogue[code].retryable
    if (options.details) this.details = options.details
  }

  toShape(): ErrorShape {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) }
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errorCatalogue, code)
}
