import type { Handlers } from '../rpc/router'
import type { AccountRegistry } from './account-registry'
import type { CertificateTrust } from './certificate-trust'
import { checkImap, checkSmtp } from './connection-test'

type AccountsHandlers = Pick<
  Handlers,
  'accounts.list' | 'accounts.add' | 'accounts.update' | 'accounts.remove' | 'accounts.test' | 'accounts.trustCertificate' | 'accounts.changed'
>

/** Settings → Accounts: the list, its changes, connection tests and certificate trust. */
export function accountsHandlers(registry: AccountRegistry, trust: CertificateTrust): AccountsHandlers {
  return {
    'accounts.list': () => registry.list(),
    'accounts.add': ({ settings, password }) => registry.add(settings, password),
    'accounts.update': ({ id, settings, password }) => registry.update(id, settings, password),
    'accounts.remove': async ({ id }) => {
      await registry.remove(id)
      return {}
    },
    'accounts.test': async ({ settings, password, id }) => {
      const secret = password ?? (id ? await registry.password(id) : undefined)
      if (secret === undefined) {
        const missing = { ok: false, error: { code: 'AUTH_FAILED', message: 'Enter the password to test the connection.', retryable: false } }
        return { imap: missing, smtp: missing }
      }
      const [imap, smtp] = await Promise.all([checkImap(settings, secret, registry), checkSmtp(settings, secret, registry)])
      return { imap, smtp }
    },
    'accounts.trustCertificate': async ({ host, port, pem }) => {
      await trust.trust(host, port, pem)
      return {}
    },
    'accounts.changed': (_input, emit) => {
      emit(registry.list())
      return registry.onChange(emit)
    },
  }
}
