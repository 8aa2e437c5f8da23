import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import { DavAccount, type DavAccountSettings } from '../common/domain/dav-account'
import type { AccountRegistry } from './account-registry'
import { SettingsRegistry } from './settings-registry'
import type { CredentialVault } from './vault'

/** CalDAV/CardDAV accounts; one tied to a mail account logs in with that account's password. */
export class DavAccountRegistry extends SettingsRegistry<DavAccountSettings> {
  private constructor(
    file: string,
    vault: CredentialVault,
    private readonly mail: AccountRegistry,
  ) {
    super('dav', file, vault)
  }

  static async open(options: { file: string; vault: CredentialVault; mail: AccountRegistry }): Promise<DavAccountRegistry> {
    const registry = new DavAccountRegistry(options.file, options.vault, options.mail)
    await registry.load(DavAccount)
    return registry
  }

  override async add(settings: DavAccountSettings, password: string | undefined): Promise<DavAccount> {
    if (password === undefined && !settings.mailAccountId) {
      throw new QuireError('BAD_INPUT', { message: 'Enter a password, or choose the mail account whose password this server shares.' })
    }
    if (settings.mailAccountId) this.mail.get(settings.mailAccountId)
    return super.add(settings, password)
  }

  /** Its own password, else the mail account's it belongs to. */
  override async password(id: AccountId): Promise<string> {
    if (await this.hasPassword(id)) return super.password(id)
    const { mailAccountId } = this.get(id)
    if (!mailAccountId) return super.password(id)
    return this.mail.password(mailAccountId)
  }
}
