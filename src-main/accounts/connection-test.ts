import type { z } from 'zod'
import type { ConnectionCheck } from '../common/contract/accounts'
import type { AccountSettings } from '../common/domain/account'
import { createImapClient } from '../mail/imap-client'
import type { AccountAccess } from './account-access'
import { probeCertificate } from './certificate-probe'
import { toConnectionError } from './connection-errors'

type Check = z.infer<typeof ConnectionCheck>

/** Logs in to the IMAP server and logs out again; never keeps the session. */
export async function checkImap(settings: AccountSettings, password: string, trust: Pick<AccountAccess, 'tlsOptions'>): Promise<Check> {
  const { host, port } = settings.imap
  const client = createImapClient(settings, password, trust.tlsOptions(host, port), { connectionTimeout: 15_000 })
  client.on('error', () => {}) // the failure is reported through connect()'s rejection
  try {
    await client.connect()
    await client.logout()
    return { ok: true }
  } catch (error) {
    client.close()
    return failure(error, settings, 'imap', trust)
  }
}

/** EHLO, STARTTLS or TLS, AUTH — nodemailer's verify(), which sends no message. */
export async function checkSmtp(settings: AccountSettings, password: string, trust: Pick<AccountAccess, 'tlsOptions'>): Promise<Check> {
  const { host, port, security } = settings.smtp
  // loaded on first use, not at start (see compose/smtp-submission.ts)
  const { createTransport } = await import('nodemailer')
  const transport = createTransport({
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    auth: { user: settings.username, pass: password },
    tls: trust.tlsOptions(host, port),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    logger: false,
  })
  try {
    await transport.verify()
    return { ok: true }
  } catch (error) {
    return failure(error, settings, 'smtp', trust)
  } finally {
    transport.close()
  }
}

async function failure(error: unknown, settings: AccountSettings, protocol: 'imap' | 'smtp', trust: Pick<AccountAccess, 'tlsOptions'>): Promise<Check> {
  const server = settings[protocol]
  const typed = toConnectionError(error, { host: server.host, port: server.port, protocol: protocol === 'imap' ? 'IMAP' : 'SMTP' })
  if (typed.code !== 'TLS_UNTRUSTED') return { ok: false, error: typed.toShape() }
  const { lookup } = trust.tlsOptions(server.host, server.port)
  const certificate = await probeCertificate(server, protocol, String(typed.details?.reason ?? 'untrusted'), lookup ? { lookup } : {})
  return { ok: false, error: typed.toShape(), ...(certificate ? { certificate } : {}) }
}
