import type { Account, AccountId } from '../../src-main/common/domain/account'
import { accountRange, type QuireDatabase } from './database'

/**
 * Makes the cached accounts the ones main lists (main owns the registry and the secrets; the cache
 * keeps only what the UI shows). An account removed in main leaves with everything cached for it.
 * Returns which accounts arrived and which left.
 */
export async function mirrorAccounts(db: QuireDatabase, accounts: readonly Account[]): Promise<{ added: AccountId[]; removed: AccountId[] }> {
  const current = new Set(accounts.map((account) => account.id))
  const removes = async () => (await db.accounts.toCollection().primaryKeys()).some((id) => !current.has(id))
  // Only a removal writes the mail tables. A write transaction over them waits for every read of
  // them begun before it and holds up every one begun after, so at start (nothing removed) it
  // would queue the first rows behind the list's reads: without one it takes the accounts table alone.
  const widest = [db.accounts, db.folders, db.messages, db.messageIdFilters, db.bodies, db.cursors, db.tasks, db.notices]
  const tables = (await removes()) ? widest : [db.accounts]
  return db.transaction('rw', tables, async () => {
    const before = new Set(await db.accounts.toCollection().primaryKeys())
    const removed = [...before].filter((id) => !current.has(id))
    // an account stored since the look-up above, and already gone from main: the wide transaction removes it
    if (removed.length > 0 && tables !== widest) return null
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
  }).then((mirrored) => mirrored ?? mirrorAccounts(db, accounts))
}
