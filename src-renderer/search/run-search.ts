import { Dexie } from 'dexie'
import type { Address } from '../../src-main/common/domain/mail'
import type { FolderRow, MessageKey, MessageRow, QuireDatabase } from '../store/database'
import { roleOf } from '../store/folders'
import type { DatedKey } from '../mail/listed-keys'
import type { SearchQuery } from './query'
import type { SearchIndex } from './search-index'
import { normalise, words } from './tokenize'

/** Messages whose indexed words include one starting with each query word, newest first (from the index in memory). */
async function byWords(index: SearchIndex, terms: readonly string[]): Promise<DatedKey[] | null> {
  if (terms.length === 0) return null
  await index.ready()
  return index.memory.search(terms)
}

/** Whether the query is words alone: then the index decides, and no message needs reading. */
const wordsOnly = (query: SearchQuery) =>
  query.from.length === 0 &&
  query.to.length === 0 &&
  query.subject.length === 0 &&
  !query.hasAttachment &&
  query.unread === null &&
  query.flagged === null &&
  query.folders.length === 0 &&
  query.before === null &&
  query.after === null

const matchesPeople = (addresses: readonly Address[], wanted: string) =>
  addresses.some((address) => normalise(address.name).includes(wanted) || address.address.toLowerCase().includes(wanted))

export function folderMatches(folder: FolderRow | undefined, path: string, wanted: string): boolean {
  const role = folder ? roleOf(folder) : path.toUpperCase() === 'INBOX' ? 'inbox' : null
  return role === wanted || normalise(folder?.name ?? path) === wanted || normalise(path) === wanted
}

/** Whether a message satisfies every operator of the query (words were matched by the index). */
export function matches(row: MessageRow, query: SearchQuery, folder: FolderRow | undefined): boolean {
  if (query.from.some((wanted) => !matchesPeople(row.from, wanted))) return false
  if (query.to.some((wanted) => !matchesPeople([...row.to, ...row.cc], wanted))) return false
  if (query.subject.some((wanted) => !normalise(row.subject).includes(wanted))) return false
  if (query.hasAttachment && !row.hasAttachments) return false
  if (query.unread !== null && Boolean(row.unread) !== query.unread) return false
  if (query.flagged !== null && Boolean(row.flagged) !== query.flagged) return false
  if (query.folders.length > 0 && !query.folders.some((wanted) => folderMatches(folder, row.path, wanted))) return false
  const date = row.date ?? row.internalDate
  if (query.before !== null && date >= query.before) return false
  if (query.after !== null && date < query.after) return false
  return true
}

/** Candidates when the query has no words: the narrowest index its operators allow. */
async function byOperators(db: QuireDatabase, query: SearchQuery, folders: readonly FolderRow[]): Promise<MessageKey[]> {
  if (query.flagged) return db.messages.where('[flagged+internalDate]').between([1, Dexie.minKey], [1, Dexie.maxKey]).primaryKeys()
  const inFolders = query.folders.length > 0 ? folders.filter((folder) => query.folders.some((wanted) => folderMatches(folder, folder.path, wanted))) : null
  if (query.unread) {
    const scope = inFolders ?? folders
    const lists = await Promise.all(scope.map((folder) => db.messages.where('[accountId+path+unread]').equals([folder.accountId, folder.path, 1]).primaryKeys()))
    return lists.flat()
  }
  if (inFolders) {
    const lists = await Promise.all(inFolders.map((folder) => db.messages.where('[accountId+path+uid]').between([folder.accountId, folder.path, Dexie.minKey], [folder.accountId, folder.path, Dexie.maxKey]).primaryKeys()))
    return lists.flat()
  }
  return db.messages.toCollection().primaryKeys()
}

/**
 * The cached messages that match, newest first. Words go through the index (a prefix of a word
 * matches, so results come as the user types); from:, to: and subject: values also narrow through
 * it, then every operator is checked on the message itself. Run inside `liveQuery` to follow the
 * cache. Only what is cached is searched: the server is not asked (yet).
 */
export async function runSearch(index: SearchIndex, db: QuireDatabase, query: SearchQuery, limit = 1000): Promise<DatedKey[]> {
  const folders = await db.folders.toArray()
  const terms = [...query.words, ...[...query.from, ...query.to, ...query.subject].flatMap((value) => words(value))]
  const byIndex = await byWords(index, terms)
  if (byIndex && wordsOnly(query)) return byIndex.slice(0, limit)
  const folderOf = new Map(folders.map((folder) => [JSON.stringify([folder.accountId, folder.path]), folder]))
  const found: DatedKey[] = []
  if (byIndex) {
    // newest first already: read messages in that order until the page is full
    for (let i = 0; i < byIndex.length && found.length < limit; i += 2000) {
      const rows = await db.messages.bulkGet(byIndex.slice(i, i + 2000).map((entry) => entry.key))
      for (const row of rows) {
        if (row && matches(row, query, folderOf.get(JSON.stringify([row.accountId, row.path])))) found.push({ key: [row.accountId, row.path, row.uid], date: row.internalDate })
      }
    }
    return found.slice(0, limit)
  }
  const candidates = await byOperators(db, query, folders)
  for (let i = 0; i < candidates.length; i += 2000) {
    const rows = await db.messages.bulkGet(candidates.slice(i, i + 2000))
    for (const row of rows) {
      if (row && matches(row, query, folderOf.get(JSON.stringify([row.accountId, row.path])))) found.push({ key: [row.accountId, row.path, row.uid], date: row.internalDate })
    }
  }
  return found.sort((a, b) => b.date - a.date).slice(0, limit)
}
