import type { Client } from '../rpc/client'
import type { BodyRow, MessageKey, QuireDatabase } from './database'
import type { MessageRef } from './mail-actions'

/**
 * A message's body from the cache, fetched from main on first reading and kept for offline use.
 * The body is stored only if its message is still cached (it may have been moved or deleted
 * while the body was on its way). Decrypted S/MIME content is not stored when the user keeps
 * decrypted mail out of the cache (`doNotCache`): it is returned for display only.
 */
export async function loadBody(db: QuireDatabase, client: Client, message: MessageRef, options: { signal?: AbortSignal; now?: number } = {}): Promise<BodyRow> {
  const key: MessageKey = [message.accountId, message.path, message.uid]
  const cached = await db.bodies.get(key)
  if (cached) return cached
  const body = await client.call('mail.body', { accountId: message.accountId, path: message.path, uid: message.uid }, { signal: options.signal })
  const row: BodyRow = { ...body, accountId: message.accountId, path: message.path, fetchedAt: options.now ?? Date.now() }
  if (body.doNotCache) return row
  await db.transaction('rw', [db.messages, db.bodies], async () => {
    if (await db.messages.get(key)) await db.bodies.put(row)
  })
  return row
}
