import type { ConnectionOptions } from 'node:tls'
import type { Account, AccountId } from '../common/domain/account'

/** What a protocol service (mail, later DAV) may know about accounts: settings, the password, and TLS trust. */
export interface AccountAccess {
  /** throws QuireError NOT_FOUND for an unknown or removed account */
  get(id: AccountId): Account
  list(): Account[]
  /** from the vault; never logged, never sent over the contract */
  password(id: AccountId): Promise<string>
  tlsOptions(host: string, port: number): ConnectionOptions
  /** called after every add, update and remove with the new list */
  onChange(listener: (accounts: Account[]) => void): () => void
}
