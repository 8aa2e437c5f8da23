import type { FolderRow, MessageKey, QuireDatabase } from '../store/database'
import type { SearchQuery } from './query'
import { matches } from './run-search'
import { UNSEARCHED_ENCRYPTED, type SearchIndex } from './search-index'

/**
 * How many encrypted messages a search could not look into: cached messages whose body is not
 * (their decrypted text stays out of the cache unless Settings → Security allows it), that satisfy
 * every operator of the query, and are not among the results anyway. Only words are looked for in
 * bodies, so a query without words skipped nothing.
 */
export async function countUnsearchedEncrypted(index: SearchIndex, db: QuireDatabase, query: SearchQuery, found: readonly MessageKey[]): Promise<number> {
  if (query.words.length === 0) return 0
  const keys = await index.db.entries.where('words').equals(UNSEARCHED_ENCRYPTED).primaryKeys()
  if (keys.length === 0) return 0
  const folderOf = new Map((await db.folders.toArray()).map((folder): [string, FolderRow] => [JSON.stringify([folder.accountId, folder.path]), folder]))
  const shown = new Set(found.map((key) => JSON.stringify(key)))
  const operatorsOnly: SearchQuery = { ...query, words: [] }
  let count = 0
  for (const row of await db.messages.bulkGet(keys)) {
    if (!row || shown.has(JSON.stringify([row.accountId, row.path, row.uid]))) continue
    if (row.encrypted && matches(row, operatorsOnly, folderOf.get(JSON.stringify([row.accountId, row.path])))) count++
  }
  return count
}

/** "3 encrypted messages were not searched …", or null when none were skipped. */
export function unsearchedEncryptedText(count: number): string | null {
  if (count === 0) return null
  const what = count === 1 ? '1 encrypted message was' : `${count.toLocaleString()} encrypted messages were`
  return `${what} not searched: ${count === 1 ? 'its body is' : 'their bodies are'} not kept decrypted on this computer.`
}
