import type { Account, AccountId } from '../../../src-main/common/domain/account'
import type { ComposeDatabase, IdentityRow } from './compose-database'

/** The identity an account has before the user sets any up: its own address and display name. */
export function accountIdentity(account: Pick<Account, 'id' | 'displayName' | 'name' | 'email'>): IdentityRow {
  return { accountId: account.id, name: account.displayName || account.name, email: account.email, replyTo: '', signature: '' }
}

/** The identities of the accounts, the ones set up first, each account's own address when none is. */
export async function identitiesOf(db: ComposeDatabase, accounts: readonly Account[]): Promise<IdentityRow[]> {
  const stored = await db.identities.toArray()
  return accounts.flatMap((account) => {
    const own = stored.filter((identity) => identity.accountId === account.id)
    return own.length > 0 ? own : [accountIdentity(account)]
  })
}

/** Stores an identity (a new one, or a change to one) and returns its id. */
export async function saveIdentity(db: ComposeDatabase, identity: IdentityRow): Promise<number> {
  return await db.identities.put({ ...identity })
}

export async function removeIdentity(db: ComposeDatabase, id: number): Promise<void> {
  await db.identities.delete(id)
}

/** The identity a reply should come from: the one the original was addressed to, else the account's first. */
export function identityFor(identities: readonly IdentityRow[], accountId: AccountId, addressedTo: readonly string[] = []): IdentityRow | undefined {
  const own = identities.filter((identity) => identity.accountId === accountId)
  const wanted = new Set(addressedTo.map((a) => a.toLowerCase()))
  return own.find((identity) => wanted.has(identity.email.toLowerCase())) ?? own[0]
}
