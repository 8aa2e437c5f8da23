import { ImapFlow } from 'imapflow'
import type { ServersEnv, TestUserName } from '../servers/harness'

export function rawClient(servers: ServersEnv, user: TestUserName): ImapFlow {
  const client = new ImapFlow({
    host: servers.imap.host,
    port: servers.imap.tlsPort,
    secure: true,
    auth: { user: servers.users[user].email, pass: servers.users[user].password },
    tls: { ca: servers.caCert },
    logger: false,
    qresync: true,
    disableCompression: true,
  })
  client.on('error', () => {})
  return client
}

/**
 * The baseline for initial sync: imapflow alone, from login to the last message, fetching
 * the items Quire's headers need (src-main/mail/header-fetch.ts, the start of the text for
 * the snippet included) and storing nothing.
 */
export async function rawHeaderFetch(servers: ServersEnv, user: TestUserName, folder: string): Promise<{ count: number; ms: number }> {
  const client = rawClient(servers, user)
  const started = performance.now()
  await client.connect()
  await client.mailboxOpen(folder, { readOnly: true })
  let count = 0
  for await (const message of client.fetch('1:*', {
    uid: true,
    flags: true,
    envelope: true,
    internalDate: true,
    size: true,
    bodyStructure: true,
    headers: ['references', 'list-unsubscribe', 'x-spam-flag', 'x-spam-status'],
    bodyParts: [{ key: 'TEXT', start: 0, maxLength: 1536 }],
  })) {
    if (message.uid) count++
  }
  const ms = performance.now() - started
  await client.logout()
  return { count, ms }
}
