import type { z } from 'zod'
import { probeCertificate } from '../accounts/certificate-probe'
import type { ConnectionCheck } from '../common/contract/accounts'
import { createDavClient, type DavClientOptions, type DavService } from './dav-client'
import { toDavError } from './dav-errors'

type Check = z.infer<typeof ConnectionCheck>

/**
 * Settings → "Test connection" for a DAV server: discovery, the principal and its home set with
 * this login, then a Depth 1 PROPFIND of the home (what the first sync will do). Nothing is kept.
 * An untrusted certificate comes back with its details, as for mail servers.
 */
export async function checkDav(
  login: { serverUrl: string; username: string; password: string },
  service: DavService,
  options: DavClientOptions = {},
): Promise<Check> {
  const client = createDavClient(login, service, { timeoutMs: 15_000, ...options })
  try {
    const discovery = await client.discover()
    for (const home of discovery.homeUrls) await client.propfind(home, { 'd:resourcetype': {} }, '1')
    return { ok: true }
  } catch (error) {
    const typed = toDavError(error, client.serverLabel)
    if (typed.code !== 'TLS_UNTRUSTED') return { ok: false, error: typed.toShape() }
    const { host, port } = client.serverLabel
    const certificate = await probeCertificate({ host, port, security: 'tls' }, 'imap', String(typed.details?.reason ?? 'untrusted'), options.lookup ? { lookup: options.lookup } : {})
    return { ok: false, error: typed.toShape(), ...(certificate ? { certificate } : {}) }
  }
}
