import { ImapFlow, type ImapFlowOptions } from 'imapflow'
import type { ConnectionOptions } from 'node:tls'
import type { Account } from '../common/domain/account'

/**
 * One configured imapflow client for an account. Never logs (imapflow's logger would
 * print commands, and LOGIN carries the password); QRESYNC on so EXPUNGE arrives as
 * VANISHED with UIDs (RFC 7162 §3.2.10); TLS as the account says, verified.
 */
export function createImapClient(
  account: Pick<Account, 'imap' | 'username'>,
  password: string,
  tls: ConnectionOptions,
  overrides: Partial<ImapFlowOptions> = {},
): ImapFlow {
  return new ImapFlow({
    host: account.imap.host,
    port: account.imap.port,
    secure: account.imap.security === 'tls',
    doSTARTTLS: account.imap.security === 'starttls' ? true : undefined,
    auth: { user: account.username, pass: password },
    tls,
    logger: false,
    qresync: true,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    // loopback is cheap and COMPRESS costs CPU on the 2-core budget; real links benefit
    disableCompression: isLoopbackHost(account.imap.host),
    ...overrides,
  })
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

/** LOGOUT when the server answers quickly, else just close: a dead network must not hold up shutdown. */
export async function closeImapClient(client: ImapFlow, waitMs = 1000): Promise<void> {
  if (client.usable) {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([client.logout().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))])
    clearTimeout(timer)
  }
  client.close()
}
