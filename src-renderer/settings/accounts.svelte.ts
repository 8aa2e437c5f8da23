import type { z } from 'zod'
import type { ProcedureOutput } from '../../src-main/common/contract'
import type { Account, AccountSettings } from '../../src-main/common/domain/account'
import { mainConnection } from '../shell/connection.svelte'

export type ConnectionTest = ProcedureOutput<'accounts.test'>
export type AccountDraft = z.input<typeof AccountSettings>

/** The accounts main knows, kept current by its `accounts.changed` stream. */
class AccountList {
  accounts = $state<Account[]>([])
  loaded = $state(false)

  constructor() {
    void mainConnection.ready.then((client) =>
      client.subscribe('accounts.changed', {}, {
        onEvent: (accounts) => {
          this.accounts = accounts
          this.loaded = true
        },
      }),
    )
  }
}

export const accountList = new AccountList()

/** A sensible starting point: hosted services use implicit TLS on 993 and 465. */
export function emptyDraft(): AccountDraft {
  return {
    name: '',
    displayName: '',
    email: '',
    username: '',
    imap: { host: '', port: 993, security: 'tls' },
    smtp: { host: '', port: 465, security: 'tls' },
    maxConnections: 3,
    pollIntervalSeconds: 120,
    prefetchDays: 30,
    color: '#2f6feb',
  }
}

/** The port a protocol normally uses with each kind of security. */
export function defaultPort(protocol: 'imap' | 'smtp', security: 'tls' | 'starttls'): number {
  if (protocol === 'imap') return security === 'tls' ? 993 : 143
  return security === 'tls' ? 465 : 587
}

/** Fills what can be guessed from the address, leaving anything the user typed alone. */
export function guessFromEmail(draft: AccountDraft): AccountDraft {
  const domain = draft.email.split('@')[1]?.trim().toLowerCase()
  if (!domain) return draft
  return {
    ...draft,
    username: draft.username || draft.email,
    name: draft.name || domain,
    imap: { ...draft.imap, host: draft.imap.host || `imap.${domain}` },
    smtp: { ...draft.smtp, host: draft.smtp.host || `smtp.${domain}` },
  }
}
