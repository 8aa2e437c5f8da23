import { Dexie } from 'dexie'
import type { Address } from '../../../src-main/common/domain/mail'

/** An address that appeared in mail, how often, and when last. */
export interface SeenAddress {
  name: string
  email: string
  count: number
  lastSeen: number
}

/** The fields of the mail store's message rows this reads (see store/database.ts). */
interface MessageLike {
  internalDate: number
  from: Address[]
  to: Address[]
  cc: Address[]
}

/**
 * Addresses seen in the newest `limit` cached messages (senders, recipients), read straight from
 * the mail store's IndexedDB database without touching its schema: it is opened in Dexie's dynamic
 * mode at whatever version the mail store made, read, and closed again. No mail cache, no addresses.
 */
export async function readSeenAddresses(limit = 5000, databaseName = 'quire'): Promise<SeenAddress[]> {
  if (!(await Dexie.exists(databaseName))) return []
  const db = new Dexie(databaseName)
  try {
    await db.open()
    if (!db.tables.some((t) => t.name === 'messages')) return []
    const table = db.table<MessageLike>('messages')
    const byDate = table.schema.indexes.some((i) => i.name === '[flagged+internalDate]')
    // newest first across every folder: the two halves of the [flagged+internalDate] index, each walked backwards
    const rows = byDate
      ? [
          ...(await table.where('[flagged+internalDate]').between([0, Dexie.minKey], [0, Dexie.maxKey]).reverse().limit(limit).toArray()),
          ...(await table.where('[flagged+internalDate]').between([1, Dexie.minKey], [1, Dexie.maxKey]).reverse().limit(limit).toArray()),
        ]
      : await table.limit(limit).toArray()
    const seen = new Map<string, SeenAddress>()
    for (const message of rows) {
      for (const address of [...(message.from ?? []), ...(message.to ?? []), ...(message.cc ?? [])]) {
        const email = address.address?.trim().toLowerCase()
        if (!email || !email.includes('@')) continue
        const entry = seen.get(email) ?? { name: '', email, count: 0, lastSeen: 0 }
        entry.count++
        if (message.internalDate >= entry.lastSeen) {
          entry.lastSeen = message.internalDate
          if (address.name?.trim()) entry.name = address.name.trim()
        }
        seen.set(email, entry)
      }
    }
    return [...seen.values()]
  } catch (error) {
    // the mail store's database is being upgraded or is unreadable: no suggestions from it this time
    console.warn('Quire could not read addresses from the mail cache:', error)
    return []
  } finally {
    db.close()
  }
}
