import type { Handlers } from '../rpc/router'
import type { DavAccountRegistry } from './dav-account-registry'

type DavAccountsHandlers = Pick<Handlers, 'dav.accounts.list' | 'dav.accounts.add' | 'dav.accounts.update' | 'dav.accounts.remove' | 'dav.accounts.changed'>

export function davAccountsHandlers(registry: DavAccountRegistry): DavAccountsHandlers {
  return {
    'dav.accounts.list': () => registry.list(),
    'dav.accounts.add': ({ settings, password }) => registry.add(settings, password),
    'dav.accounts.update': ({ id, settings, password }) => registry.update(id, settings, password),
    'dav.accounts.remove': async ({ id }) => {
      await registry.remove(id)
      return {}
    },
    'dav.accounts.changed': (_input, emit) => {
      emit(registry.list())
      return registry.onChange(emit)
    },
  }
}
