import type { Account, AccountId } from '../../src-main/common/domain/account'
import { accountRange, type QuireDatabase } from './database'

/**
 * Makes the cached accounts the ones main lists (main owns the registry and the secrets; the cache
 * keeps only what the UI shows). An account removed in main leaves with everything cached for it.
 * Returns which accounts arrived and which left.
 */
export async function mirrorAccounts(db: QuireDatabase, accounts: readonly Account[]): Promise<{ added: AccountId[]; removed: AccountId[] }> {
  return db.transaction('rw', [db.accounts, db.folders, db.messages, db.messageIdFilters, db.bodies, db.cursors, db.tasks, db.notices], async () => {
    const before = new Set(await db.accounts.toCollection().primaryKeys())
    const current = new Set(accounts.map((account) => account.id))
    const removed = [...before].filter((id) => !current.has(id))
    for (const accountId of removed) {
      const [lo, hi] = accountRange(accountId)
      await db.messages.where('[accountId+path+uid]').between(lo, hi).delete()
      await db.bodies.where('[accountId+path+uid]').between(lo, hi).delete()
      await db.messageIdFilters.delete(accountId)
      await db.cursors.where('[accountId+path]').between(lo, hi).delete()
      await db.folders.where('[accountId+path]').between(lo, hi).delete()
      await db.tasks.where('accountId').equals(accountId).delete()
      await db.notices.where('accountId').equals(accountId).delete()
    }
    await db.accounts.bulkDelete(removed)
    await db.accounts.bulkPut([...accounts])
    return { added: [...current].filter((id) => !before.has(id)), removed }
  })
}
