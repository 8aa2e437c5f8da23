import { Readable } from 'node:stream'
import type { ConnectionOptions } from 'node:tls'
import type SMTPConnection from 'nodemailer/lib/smtp-connection'
import { QuireError } from '../common/contract'
import type { Account } from '../common/domain/account'
import type { RefusedRecipient } from '../common/domain/compose'
import { toConnectionError } from '../accounts/connection-errors'

export interface SubmissionResult {
  accepted: string[]
  /** the server's final reply to the message (RFC 5321 §4.1.1.4), e.g. "250 2.0.0 Ok: queued as …" */
  response: string
}

export interface SubmissionHooks {
  /** Every recipient was accepted and the server said 354: the message is about to be transmitted. */
  beforeData?: () => Promise<void>
}

/** What nodemailer attaches to a failed command. */
interface SmtpFailure {
  code?: unknown
  command?: unknown
  response?: unknown
  responseCode?: unknown
  recipient?: unknown
  rejectedErrors?: unknown
}

/** The per-transaction state nodemailer keeps on the connection (not in its typings; see `gate` below). */
interface EnvelopeState {
  rejected?: string[]
  rejectedErrors?: SmtpFailure[]
}

/**
 * Submits one message (RFC 6409) with the account's SMTP settings: TLS from the first byte (465) or
 * STARTTLS required (587), AUTH with the password from the vault, certificates checked as the
 * account trusts them. All or nothing: if the server refuses any recipient, the transaction is
 * abandoned before a byte of the message is sent — a message that reached some recipients and not
 * others could never be retried without sending it twice.
 *
 * Throws typed errors: RECIPIENT_REJECTED (5xx to RCPT, naming each address and the server's words),
 * MESSAGE_REJECTED (5xx to MAIL FROM or to the message), SEND_DEFERRED (4xx), AUTH_FAILED, TLS_*,
 * OFFLINE/TIMEOUT/HOST_NOT_FOUND/CONNECTION_REFUSED for the network. `dataStarted` on the error says
 * whether transmission had begun, after which the server may have taken the message.
 */
export async function submitMessage(
  account: Pick<Account, 'smtp' | 'username'>,
  password: string,
  tls: ConnectionOptions,
  message: { from: string; to: string[]; raw: Buffer },
  hooks: SubmissionHooks = {},
  signal?: AbortSignal,
): Promise<SubmissionResult> {
  const { host, port, security } = account.smtp
  const server = { host, port, protocol: 'SMTP' as const }
  // nodemailer is loaded by the first send (or connection test), not at start: about 1.5 MB of
  // main's heap that a client only reading mail never needs
  const { default: Connection } = await import('nodemailer/lib/smtp-connection')
  const connection = new Connection({
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    tls,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 5 * 60_000,
    logger: false,
  })
  let dataStarted = false
  let settled = false
  const fail = (error: unknown): QuireError => {
    const typed = toSubmissionError(error, server, message.from)
    return dataStarted ? new QuireError(typed.code, { message: typed.message, details: { ...typed.details, dataStarted: true }, cause: error }) : typed
  }

  return await new Promise<SubmissionResult>((resolve, reject) => {
    const finish = (error: unknown, result?: SubmissionResult) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      if (error || !result) {
        connection.close()
        reject(error instanceof QuireError && error.code === 'CANCELLED' ? error : fail(error))
      } else {
        connection.quit()
        resolve(result)
      }
    }
    const onAbort = () => finish(new QuireError('CANCELLED'))
    signal?.addEventListener('abort', onAbort, { once: true })
    connection.on('error', (error) => finish(error))
    connection.connect((connectError) => {
      if (connectError) return finish(connectError)
      connection.login({ user: account.username, pass: password }, (loginError) => {
        if (loginError) return finish(loginError)
        const gate = gatedMessage(connection, message.raw, hooks, () => (dataStarted = true), finish)
        connection.send({ from: message.from, to: message.to, size: message.raw.length }, gate, (sendError, info) => {
          if (sendError) return finish(sendError)
          finish(null, { accepted: info.accepted, response: info.response })
        })
      })
    })
  })
}

/**
 * The message as a stream nodemailer reads only once the server has answered DATA with 354, i.e.
 * after every RCPT TO reply is in. At that moment the envelope says who was refused: with anyone
 * refused, the connection is dropped instead of sending the message — a transaction without the
 * final "." is never delivered (RFC 5321 §4.1.1.4). nodemailer would otherwise send to the accepted
 * recipients alone; its envelope state is not in its public typings, hence the cast.
 */
function gatedMessage(
  connection: SMTPConnection,
  raw: Buffer,
  hooks: SubmissionHooks,
  started: () => void,
  finish: (error: unknown) => void,
): Readable {
  let opened = false
  return new Readable({
    read() {
      if (opened) return
      opened = true
      const envelope = (connection as unknown as { _envelope?: EnvelopeState })._envelope
      const refused = envelope?.rejectedErrors ?? []
      if (refused.length > 0) {
        this.destroy()
        finish(Object.assign(new Error('Recipients were refused'), { code: 'EENVELOPE', command: 'RCPT TO', rejectedErrors: refused }))
        return
      }
      const go = hooks.beforeData ? hooks.beforeData() : Promise.resolve()
      go.then(
        () => {
          started()
          this.push(raw)
          this.push(null)
        },
        (error: unknown) => {
          this.destroy()
          finish(error)
        },
      )
    },
  })
}

/** The typed error for anything a submission can fail with. */
export function toSubmissionError(error: unknown, server: { host: string; port: number; protocol: 'SMTP' }, from: string): QuireError {
  if (error instanceof QuireError) return error
  const failure = (error ?? {}) as SmtpFailure
  const where = `The mail server ${server.host}`
  const refusals = Array.isArray(failure.rejectedErrors) ? (failure.rejectedErrors as SmtpFailure[]) : []
  if (failure.code === 'EENVELOPE' && refusals.length > 0) {
    const refused: RefusedRecipient[] = refusals.map((r) => ({
      address: typeof r.recipient === 'string' ? r.recipient : '',
      code: typeof r.responseCode === 'number' ? r.responseCode : null,
      response: cleanReply(r.response),
    }))
    const permanent = refused.filter((r) => r.code === null || r.code >= 500)
    if (permanent.length === 0) {
      return new QuireError('SEND_DEFERRED', {
        message: `${where} cannot take mail for ${refused.map((r) => r.address).join(', ')} right now (“${refused[0]?.response}”). Quire will try again.`,
        details: { refused },
        cause: error,
      })
    }
    const named = permanent.map((r) => `${r.address} (“${r.response}”)`).join('; ')
    return new QuireError('RECIPIENT_REJECTED', {
      message: `${where} refused ${permanent.length === 1 ? 'the recipient' : 'the recipients'} ${named}. Nothing was sent; correct or remove ${permanent.length === 1 ? 'the address' : 'those addresses'} and send again.`,
      details: { refused: permanent },
      cause: error,
    })
  }
  const code = typeof failure.responseCode === 'number' ? failure.responseCode : null
  const reply = cleanReply(failure.response)
  if (code !== null && code >= 400 && code < 500 && failure.code !== 'EAUTH') {
    return new QuireError('SEND_DEFERRED', {
      message: `${where} cannot take the message right now (“${reply}”). Quire will try again.`,
      details: { code, response: reply },
      cause: error,
    })
  }
  if (code !== null && code >= 500 && (failure.code === 'EENVELOPE' || failure.code === 'EMESSAGE')) {
    const what = failure.command === 'MAIL FROM' ? `the sender address ${from}` : 'the message'
    return new QuireError('MESSAGE_REJECTED', {
      message: `${where} refused ${what} (“${reply}”). Nothing was sent; the draft is kept.`,
      details: { code, response: reply, command: typeof failure.command === 'string' ? failure.command : null },
      cause: error,
    })
  }
  if (failure.code === 'EMESSAGE' && /larger than allowed/i.test(String((error as Error).message))) {
    return new QuireError('MESSAGE_REJECTED', {
      message: `The message is larger than ${server.host} accepts. Remove or shrink attachments and send again.`,
      details: { response: String((error as Error).message) },
      cause: error,
    })
  }
  return toConnectionError(error, server)
}

/** The server's reply text without the status code prefix repeated on every line. */
function cleanReply(response: unknown): string {
  return typeof response === 'string' ? response.replace(/\r?\n\d{3}[ -]/g, ' ').trim().slice(0, 500) : ''
}
