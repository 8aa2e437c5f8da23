import { describeCertificate } from '../accounts/certificate-probe'
import type { CertificateInfo } from '../common/domain/account'
import { presetAttributes, type DirectorySettings } from '../common/domain/directory'
import type { Handlers } from '../rpc/router'
import type { DirectoryRegistry } from './directory-registry'
import type { DirectoryService } from './directory-service'
import { openLdap, peerCertificate, serverOf, type TlsFor } from './ldap-connection'
import { toDirectoryError } from './ldap-errors'

type DirectoryHandlers = Pick<
  Handlers,
  'directory.list' | 'directory.presets' | 'directory.add' | 'directory.update' | 'directory.remove' | 'directory.changed' | 'directory.test' | 'directory.search' | 'directory.entry' | 'directory.expand'
>

/** The directory procedures of the contract: settings (passwords to the vault), connection tests, look-ups. */
export function directoryHandlers(registry: DirectoryRegistry, service: DirectoryService, tls: TlsFor): DirectoryHandlers {
  return {
    'directory.list': () => registry.list(),
    'directory.presets': () => ({ openldap: presetAttributes('openldap'), activedirectory: presetAttributes('activedirectory') }),
    'directory.add': ({ settings, password }) => registry.add(settings, settings.bindDn ? password : undefined),
    'directory.update': ({ id, settings, password }) => registry.update(id, settings, password),
    'directory.remove': async ({ id }) => {
      await registry.remove(id)
      return {}
    },
    'directory.changed': (_input, emit) => {
      emit(registry.list())
      return registry.onChange(emit)
    },
    'directory.test': async ({ settings, password, id }) => {
      const secret = password ?? (id && settings.bindDn ? await registry.bindPassword(id).catch(() => undefined) : undefined)
      try {
        await service.test(settings, secret)
        return { ok: true }
      } catch (error) {
        const typed = toDirectoryError(error, serverOf(settings.url))
        if (typed.code !== 'TLS_UNTRUSTED') return { ok: false, error: typed.toShape() }
        const certificate = await probeCertificate(settings, tls, String(typed.details?.reason ?? 'untrusted'))
        return { ok: false, error: typed.toShape(), ...(certificate ? { certificate } : {}) }
      }
    },
    'directory.search': ({ query, limit }, { signal }) => service.search(query, limit, signal),
    'directory.entry': ({ directoryId, dn }, { signal }) => service.entry(directoryId, dn, signal),
    'directory.expand': ({ directoryId, dn }, { signal }) => service.expand(directoryId, dn, signal),
  }
}

/**
 * The certificate the directory presents, fetched over a connection that does not verify it —
 * the TLS handshake (after StartTLS for ldap://) and nothing more: no bind, no password sent.
 */
async function probeCertificate(settings: DirectorySettings, tls: TlsFor, reason: string): Promise<CertificateInfo | undefined> {
  const { host, port } = serverOf(settings.url)
  try {
    const client = await openLdap({ ...settings, bindDn: null }, undefined, tls, settings.timeoutSeconds * 1000, false)
    const certificate = peerCertificate(client)
    await client.unbind().catch(() => {})
    return certificate ? describeCertificate(certificate, host, port, reason) : undefined
  } catch {
    return undefined
  }
}

