import type { Handlers } from '../rpc/router'
import type { CertificateStore } from './certificate-store'
import type { SmimeService } from './smime-service'

type SmimeHandlers = Pick<
  Handlers,
  | 'smime.state'
  | 'smime.changed'
  | 'smime.importPkcs12'
  | 'smime.removeOwn'
  | 'smime.setIdentity'
  | 'smime.importPeers'
  | 'smime.removePeer'
  | 'smime.preferPeer'
  | 'smime.trust'
  | 'smime.untrust'
  | 'smime.setPreferences'
  | 'smime.missingCertificates'
  | 'smime.acceptDirectoryCertificate'
>

/** Settings → Security and the composer's certificate check. Private keys go in; nothing secret comes out. */
export function smimeHandlers(store: CertificateStore, service: Pick<SmimeService, 'resolveRecipients' | 'acceptDirectoryCertificate'>): SmimeHandlers {
  return {
    'smime.state': () => store.state(),
    'smime.changed': (_input, emit) => {
      emit(store.state())
      return store.onChange(emit)
    },
    'smime.importPkcs12': ({ data, password }) => store.importPkcs12(Buffer.from(data, 'base64'), password),
    'smime.removeOwn': async ({ fingerprint }) => {
      await store.removeOwn(fingerprint)
      return {}
    },
    'smime.setIdentity': (identity) => store.setIdentity(identity),
    'smime.importPeers': ({ data }) => store.importPeers(Buffer.from(data, 'base64')),
    'smime.removePeer': async ({ fingerprint }) => {
      await store.removePeer(fingerprint)
      return {}
    },
    'smime.preferPeer': async ({ address, fingerprint }) => {
      await store.preferPeer(address, fingerprint)
      return {}
    },
    'smime.trust': (input) => store.trust('data' in input ? { data: Buffer.from(input.data, 'base64') } : { fingerprint: input.fingerprint }),
    'smime.untrust': async ({ fingerprint }) => {
      await store.untrust(fingerprint)
      return {}
    },
    'smime.setPreferences': async (preferences) => {
      await store.setPreferences(preferences)
      return store.preferences()
    },
    // the directories are asked for what is missing: found and trusted is kept, found and untrusted is offered
    'smime.missingCertificates': ({ addresses }, { signal }) => service.resolveRecipients(addresses, signal),
    'smime.acceptDirectoryCertificate': ({ address, fingerprint }) => service.acceptDirectoryCertificate(address, fingerprint),
  }
}
