import { randomBytes } from 'node:crypto'
import type { ConnectionOptions } from 'node:tls'
import { QuireError } from '../../../src-main/common/contract'
import { Account, type AccountId, type AccountSettings } from '../../../src-main/common/domain/account'
import type { AccountAccess } from '../../../src-main/accounts/account-access'
import type { ServersEnv, TestUser } from '../../servers/servers-env'

/** Changes a test may make to an account: its settings, where its IMAP server is, its password. */
export interface TestAccountChanges extends Partial<Omit<AccountSettings, 'imap'>> {
  imap?: Partial<AccountSettings['imap']>
  password?: string
}

/**
 * A small, real AccountAccess over the test servers (the app's own is the account registry):
 * accounts live in memory, every TLS connection trusts the test CA, and add/update/remove tell
 * the listeners like the registry does.
 */
export class TestAccounts implements AccountAccess {
  private readonly accounts = new Map<AccountId, Account>()
  private readonly passwords = new Map<AccountId, string>()
  private readonly listeners = new Set<(accounts: Account[]) => void>()

  constructor(private readonly servers: ServersEnv) {}

  /** A new account of `user` on the test Dovecot (implicit TLS), changed by `changes`. */
  add(user: TestUser, changes: TestAccountChanges = {}): Account {
    const { password, imap, ...settings } = changes
    const account = Account.parse({
      id: `test-${randomBytes(6).toString('hex')}`,
      name: `Test ${user.email}`,
      displayName: user.email.split('@')[0],
      email: user.email,
      username: user.email,
      imap: { host: this.servers.imap.host, port: this.servers.imap.tlsPort, security: 'tls', ...imap },
      smtp: { host: this.servers.submission.host, port: this.servers.submission.port, security: 'starttls' },
      ...settings,
    })
    this.accounts.set(account.id, account)
    this.passwords.set(account.id, password ?? user.password)
    this.notify()
    return account
  }

  update(id: AccountId, changes: TestAccountChanges): Account {
    const { password, imap, ...settings } = changes
    const before = this.get(id)
    const account = Account.parse({ ...before, ...settings, imap: { ...before.imap, ...imap } })
    this.accounts.set(id, account)
    if (password !== undefined) this.passwords.set(id, password)
    this.notify()
    return account
  }

  remove(id: AccountId): void {
    this.accounts.delete(id)
    this.passwords.delete(id)
    this.notify()
  }

  get(id: AccountId): Account {
    const account = this.accounts.get(id)
    if (!account) throw new QuireError('NOT_FOUND', { message: `No account ${id}.` })
    return account
  }

  list(): Account[] {
    return [...this.accounts.values()]
  }

  async password(id: AccountId): Promise<string> {
    const password = this.passwords.get(id)
    if (password === undefined) throw new QuireError('NOT_FOUND', { message: `No account ${id}.` })
    return password
  }

  tlsOptions(): ConnectionOptions {
    return { ca: this.servers.caCert }
  }

  onChange(listener: (accounts: Account[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private notify(): void {
    for (const listener of this.listeners) listener(this.list())
  }
}
