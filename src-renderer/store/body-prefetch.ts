import { Dexie } from 'dexie'
import type { Account } from '../../src-main/common/domain/account'
import { RpcError, type Client } from '../rpc/client'
import { accountRange, type MessageKey, type QuireDatabase } from './database'
import { inSyncOrder } from './folders'
import { loadBody } from './message-body'

const DAY = 86_400_000

/**
 * Bodies of recent mail fetched before anyone opens them, so it reads offline: in every synced
 * folder, the messages of the account's last `prefetchDays` (by internal date), newest first,
 * one at a time so the reader's own requests are never stuck behind a long queue. Stops when main
 * says to retry later (offline); a message that vanished meanwhile is skipped. Returns how many
 * bodies it fetched.
 */
export async function prefetchBodies(db: QuireDatabase, client: Client, account: Account, signal: AbortSignal, now = Date.now()): Promise<number> {
  if (account.prefetchDays <= 0) return 0
  const since = now - account.prefetchDays * DAY
  const folders = await db.folders.where('[accountId+path]').between(...accountRange(account.id)).toArray()
  let fetched = 0
  for (const folder of inSyncOrder(folders.filter((f) => f.syncEnabled && f.selectable))) {
    const keys = (await db.messages
      .where('[accountId+path+internalDate]')
      .between([account.id, folder.path, since], [account.id, folder.path, Dexie.maxKey])
      .reverse()
      .primaryKeys()) as MessageKey[]
    const have = await db.bodies.bulkGet(keys)
    for (const [i, [accountId, path, uid]] of keys.entries()) {
      if (signal.aborted) return fetched
      if (have[i]) continue
      try {
        await loadBody(db, client, { accountId, path, uid }, { signal, now })
        fetched++
      } catch (error) {
        if (!(error instanceof RpcError) || error.retryable) return fetched
      }
    }
  }
  return fetched
}
