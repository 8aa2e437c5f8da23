import type { ConnectionOptions } from 'node:tls'
import { Account, type AccountSettings } from '../common/domain/account'
import type { AccountAccess } from './account-access'
import type { CertificateTrust } from './certificate-trust'
import { SettingsRegistry } from './settings-registry'
import type { CredentialVault } from './vault'

/** Mail accounts (IMAP + SMTP), and the TLS trust every protocol service connects with. */
export class AccountRegistry extends SettingsRegistry<AccountSettings> implements AccountAccess {
  private constructor(
    file: string,
    vault: CredentialVault,
    private readonly trust: CertificateTrust,
    /** connection options every socket gets (tests put a resolver here) */
    private readonly netOptions: ConnectionOptions,
  ) {
    super('account', file, vault)
  }

  static async open(options: { file: string; vault: CredentialVault; trust: CertificateTrust; netOptions?: ConnectionOptions }): Promise<AccountRegistry> {
    const registry = new AccountRegistry(options.file, options.vault, options.trust, options.netOptions ?? {})
    await registry.load(Account)
    return registry
  }

  override async add(settings: AccountSettings, password: string): Promise<Account> {
    return super.add(settings, password)
  }

  tlsOptions(host: string, port: number): ConnectionOptions {
    return { ...this.netOptions, ...this.trust.tlsOptions(host, port) }
  }
}
