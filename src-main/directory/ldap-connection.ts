import { isIP } from 'node:net'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import { Client } from 'ldapts'
import { QuireError } from '../common/contract'
import type { DirectorySettings } from '../common/domain/directory'
import { toDirectoryError, type LdapServer } from './ldap-errors'

export type TlsFor = (host: string, port: number) => ConnectionOptions

/** Host and port of an ldap:// or ldaps:// URL (389 and 636 by default, RFC 4516). */
export function serverOf(url: string): LdapServer & { secure: boolean } {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'ldaps:'
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port) || (secure ? 636 : 389), secure }
}

/**
 * Opens an LDAP connection the way the settings say, with the certificate verified as for mail
 * (`tls` gives the user's trust for that host and port): ldaps:// is TLS from the first byte,
 * ldap:// is upgraded with StartTLS (RFC 4513 §3) before any password is sent, unless the user
 * turned that off. Then a simple bind (RFC 4513 §5.1.3) when a bind DN is set, else anonymous.
 * `timeoutMs` bounds the connect and every later operation.
 */
export async function openLdap(
  settings: Pick<DirectorySettings, 'url' | 'startTls' | 'bindDn'>,
  password: string | undefined,
  tls: TlsFor,
  timeoutMs: number,
  verify = true,
): Promise<Client> {
  const server = serverOf(settings.url)
  const tlsOptions: ConnectionOptions = {
    ...tls(server.host, server.port),
    ...(isIP(server.host) ? {} : { servername: server.host }),
    ...(verify ? {} : { rejectUnauthorized: false }),
  }
  const client = new Client({
    url: `${server.secure ? 'ldaps' : 'ldap'}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    ...(server.secure ? { tlsOptions } : {}),
  })
  try {
    if (!server.secure && settings.startTls) await client.startTLS(tlsOptions)
    if (settings.bindDn) {
      if (!password) throw new QuireError('AUTH_FAILED', { message: 'No password is stored for the bind DN. Enter it in the directory settings.' })
      await client.bind(settings.bindDn, password)
    }
    return client
  } catch (error) {
    await client.unbind().catch(() => {})
    throw toDirectoryError(error, server)
  }
}

/** The certificate the directory presented (after a handshake that did not verify it), for the user to inspect. */
export function peerCertificate(client: Client) {
  const socket = (client as unknown as { socket?: TLSSocket }).socket
  return typeof socket?.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined
}
