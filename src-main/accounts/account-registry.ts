import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ConnectionOptions } from 'node:tls'
import { z } from 'zod'
import { QuireError } from '../common/contract'
import { Account, AccountId, type AccountSettings } from '../common/domain/account'
import type { AccountAccess } from './account-access'
import { writeFileAtomic } from './atomic-file'
import type { CertificateTrust } from './certificate-trust'
import type { CredentialVault } from './vault'

const passwordName = (id: AccountId) => `account:${id}:password`

/**
 * The accounts main knows: settings in a JSON file in main's data directory,
 * passwords in the vault. Main needs them before any window exists (the IDLE
 * listener starts at launch), so main owns the list; the renderer mirrors it.
 */
export class AccountRegistry implements AccountAccess {
  private accounts: Account[] = []
  private readonly listeners = new Set<(accounts: Account[]) => void>()
  private writes: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly vault: CredentialVault,
    private readonly trust: CertificateTrust,
    /** connection options every socket gets (tests put a resolver here) */
    private readonly netOptions: ConnectionOptions,
  ) {}

  static async open(options: { file: string; vault: CredentialVault; trust: CertificateTrust; netOptions?: ConnectionOptions }): Promise<AccountRegistry> {
    const registry = new AccountRegistry(options.file, options.vault, options.trust, options.netOptions ?? {})
    try {
      registry.accounts = z.array(Account).parse(JSON.parse(await readFile(options.file, 'utf8')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new QuireError('INTERNAL', { message: `The account list ${options.file} could not be read; it was left untouched.`, cause: error })
      }
    }
    return registry
  }

  list(): Account[] {
    return this.accounts.map((a) => ({ ...a }))
  }

  get(id: AccountId): Account {
    const account = this.accounts.find((a) => a.id === id)
    if (!account) throw new QuireError('NOT_FOUND', { message: 'That account no longer exists.' })
    return { ...account }
  }

  async password(id: AccountId): Promise<string> {
    const secret = await this.vault.get(passwordName(id))
    if (secret === undefined) throw new QuireError('AUTH_FAILED', { message: 'No password is stored for this account. Enter it in Settings → Accounts.' })
    return secret
  }

  tlsOptions(host: string, port: number): ConnectionOptions {
    return { ...this.netOptions, ...this.trust.tlsOptions(host, port) }
  }

  onChange(listener: (accounts: Account[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async add(settings: AccountSettings, password: string): Promise<Account> {
    const account: Account = { ...settings, id: AccountId.parse(randomBytes(12).toString('base64url')) }
    // the password first: an account in the list without its password would fail to log in
    await this.vault.set(passwordName(account.id), password)
    await this.save([...this.accounts, account])
    return { ...account }
  }

  async update(id: AccountId, settings: AccountSettings, password?: string): Promise<Account> {
    this.get(id)
    if (password !== undefined) await this.vault.set(passwordName(id), password)
    const account: Account = { ...settings, id }
    await this.save(this.accounts.map((a) => (a.id === id ? account : a)))
    return { ...account }
  }

  async remove(id: AccountId): Promise<void> {
    this.get(id)
    await this.save(this.accounts.filter((a) => a.id !== id))
    await this.vault.delete(passwordName(id))
  }

  /** One write at a time, atomically, then tell the listeners. */
  private save(next: Account[]): Promise<void> {
    const write = this.writes.then(async () => {
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2))
      this.accounts = next
      for (const listener of this.listeners) listener(this.list())
    })
    this.writes = write.catch(() => {})
    return write
  }
}
