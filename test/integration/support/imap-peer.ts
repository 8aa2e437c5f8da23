import { randomUUID } from 'node:crypto'
import { ImapFlow } from 'imapflow'
import type { ServersEnv, TestUser } from '../../servers/servers-env'

/** "Another IMAP client": an independent imapflow connection that changes the mailbox behind Quire's back. */
export async function connectPeer(servers: ServersEnv, user: TestUser): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: servers.imap.host,
    port: servers.imap.tlsPort,
    secure: true,
    tls: { ca: servers.caCert },
    auth: { user: user.email, pass: user.password },
    logger: false,
    disableAutoIdle: true,
  })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

/** A folder name no other test uses. */
export function freshFolder(label: string): string {
  return `T-${label}-${randomUUID().slice(0, 8)}`
}

/** What the server holds in `path`: UIDs and flags, read by the peer. */
export async function serverState(peer: ImapFlow, path: string): Promise<{ uids: number[]; flags: Record<number, string[]>; uidValidity: string }> {
  const mailbox = await peer.mailboxOpen(path)
  const rows = mailbox.exists > 0 ? await peer.fetchAll('1:*', { uid: true, flags: true }) : []
  return {
    uids: rows.map((r) => r.uid).sort((a, b) => a - b),
    // \Recent belongs to the session that saw the message first, not to the message
    flags: Object.fromEntries(rows.map((r) => [r.uid, [...(r.flags ?? [])].filter((f) => f !== '\\Recent').sort()])),
    uidValidity: mailbox.uidValidity.toString(),
  }
}

/** A plain message; `n` makes its subject unique within a test. */
export function plainMessage(n: number, extraHeaders: string[] = []): string {
  const headers = [
    `From: Sender ${n} <sender${n}@example.test>`,
    'To: alice@example.test',
    `Subject: Message ${n}`,
    `Message-ID: <m${n}.${randomUUID()}@example.test>`,
    'Date: Mon, 02 Feb 2026 10:00:00 +0000',
    ...extraHeaders,
    'Content-Type: text/plain; charset=utf-8',
  ]
  return `${headers.join('\r\n')}\r\n\r\nBody of message ${n}.\r\n`
}

/** Appends one message; returns its UID (UIDPLUS APPENDUID, RFC 4315 §3). */
export async function appendRaw(peer: ImapFlow, path: string, raw: string | Buffer, flags: string[] = []): Promise<number> {
  const result = await peer.append(path, raw, flags)
  if (!result || !result.uid) throw new Error(`APPEND to ${path} failed`)
  return result.uid
}

/** Appends `count` plain messages numbered from `first`, with `flags`; returns their UIDs. */
export async function appendPlain(peer: ImapFlow, path: string, count: number, first = 1, flags: string[] = []): Promise<number[]> {
  const uids: number[] = []
  for (let n = first; n < first + count; n++) uids.push(await appendRaw(peer, path, plainMessage(n), flags))
  return uids
}
