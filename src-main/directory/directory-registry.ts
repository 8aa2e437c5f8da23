import type { AccountId } from '../common/domain/account'
import { Directory, type DirectorySettings } from '../common/domain/directory'
import { SettingsRegistry } from '../accounts/settings-registry'
import type { CredentialVault } from '../accounts/vault'

/** The LDAP directories: settings in main's data directory, each bind password in the vault (`directory:<id>:password`). */
export class DirectoryRegistry extends SettingsRegistry<DirectorySettings> {
  private constructor(file: string, vault: CredentialVault) {
    super('directory', file, vault)
  }

  static async open(options: { file: string; vault: CredentialVault }): Promise<DirectoryRegistry> {
    const registry = new DirectoryRegistry(options.file, options.vault)
    await registry.load(Directory)
    return registry
  }

  /** An anonymous directory keeps no password: switching to anonymous forgets the old one. */
  override async update(id: AccountId, settings: DirectorySettings, password?: string): Promise<Directory> {
    const updated = await super.update(id, settings, settings.bindDn ? password : undefined)
    if (!settings.bindDn && (await this.hasPassword(id))) await this.vault.delete(`directory:${id}:password`)
    return updated
  }

  /** The bind password, or undefined for an anonymous directory. */
  async bindPassword(id: AccountId): Promise<string | undefined> {
    return this.get(id).bindDn ? this.password(id) : undefined
  }
}
