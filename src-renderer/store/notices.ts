import type { AccountId } from '../../src-main/common/domain/account'
import type { QuireDatabase } from './database'

/** Tells the user something that happened away from their eyes; call inside a transaction that includes `notices`, or alone. */
export async function addNotice(db: QuireDatabase, accountId: AccountId | null, text: string, now = Date.now()): Promise<number> {
  return db.notices.add({ accountId, text, createdAt: now, read: 0 })
}

export async function markNoticeRead(db: QuireDatabase, id: number): Promise<void> {
  await db.notices.update(id, { read: 1 })
}
