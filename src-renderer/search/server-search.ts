import type { ProcedureInput } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageHeader } from '../../src-main/common/domain/mail'
import type { Client } from '../rpc/client'
import type { FolderRow, MessageKey, MessageRow, QuireDatabase } from '../store/database'
import { syncSince } from '../store/folders'
import type { SearchQuery } from './query'
import { folderMatches } from './run-search'

/** How many server matches are shown (and have their headers fetched), per search. */
export const SERVER_RESULT_LIMIT = 200

type Criteria = ProcedureInput<'mail.searchServer'>['criteria']
type FolderScope = { path: string; before: string | null }

/** A message found only on the server: its headers, where it lives. Not cached. */
export interface ServerHit extends MessageHeader {
  accountId: AccountId
  path: string
}

export interface ServerSearchOutcome {
  /** server-only matches (cached ones removed), newest first, at most SERVER_RESULT_LIMIT */
  hits: ServerHit[]
  /** every match the servers reported (cached ones included): more than `hits` when the limit cut */
  total: number
  /** the servers' matches that were left out by the limit */
  truncated: boolean
  /** some folders lie outside the cache: false means the cache alone answered the search */
  asked: boolean
  /** folders the server would not search (deleted meanwhile, no rights …), with why */
  failedFolders: { accountId: AccountId; path: string; message: string }[]
  /** accounts whose server could not be asked (offline, refused …), with why */
  unreachable: { accountId: AccountId; message: string }[]
  /** has:attachment has no IMAP SEARCH key: it was checked only on the headers that came back */
  attachmentsCheckedLocally: boolean
}

/** "2026-03-14" for the local calendar day of `ms` (IMAP SEARCH compares days). */
function localDay(ms: number): string {
  const date = new Date(ms)
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
}

const DAY = 86_400_000

/** The parsed query in the words of IMAP SEARCH (see main's server-search.ts). */
export function serverCriteria(query: SearchQuery): Criteria {
  return {
    words: query.words.slice(0, 20),
    from: query.from.slice(0, 20),
    to: query.to.slice(0, 20),
    subject: query.subject.slice(0, 20),
    unread: query.unread,
    flagged: query.flagged,
    // before: is the start of that day: SEARCH BEFORE that day; after: is the end of its day: SINCE the next
    before: query.before === null ? null : localDay(query.before),
    since: query.after === null ? null : localDay(query.after),
  }
}

/**
 * The folders of each account the cache does not answer for: folders not kept offline (searched
 * whole) and folders kept only for the last N days (searched before that, a day of overlap that
 * deduplication removes). Folders kept whole are the cache's. in: narrows as it does locally.
 */
export function serverScopes(folders: readonly FolderRow[], query: SearchQuery, now: number): Map<AccountId, FolderScope[]> {
  const scopes = new Map<AccountId, FolderScope[]>()
  for (const folder of folders) {
    if (!folder.selectable) continue
    if (query.folders.length > 0 && !query.folders.some((wanted) => folderMatches(folder, folder.path, wanted))) continue
    let before: string | null = null
    if (folder.syncEnabled) {
      const since = syncSince(folder, now)
      if (since === null) continue
      before = localDay(since + DAY)
    }
    const list = scopes.get(folder.accountId) ?? []
    list.push({ path: folder.path, before })
    scopes.set(folder.accountId, list)
  }
  return scopes
}

/**
 * Asks every account's server for what the cache cannot answer and keeps what the local results
 * do not already show: a message cached under the same account, folder and UID, or carrying the
 * Message-ID of a local result (the same message in another folder).
 */
export async function searchServers(
  client: Client,
  db: QuireDatabase,
  query: SearchQuery,
  { localKeys, signal, onAsk, now = Date.now() }: { localKeys: () => readonly MessageKey[]; signal: AbortSignal; /** called once there is something to ask */ onAsk?: () => void; now?: number },
): Promise<ServerSearchOutcome> {
  const scopes = serverScopes(await db.folders.toArray(), query, now)
  if (scopes.size > 0) onAsk?.()
  const outcome: ServerSearchOutcome = { hits: [], total: 0, truncated: false, asked: scopes.size > 0, failedFolders: [], unreachable: [], attachmentsCheckedLocally: query.hasAttachment }
  const criteria = serverCriteria(query)
  const answers = await Promise.all(
    [...scopes].map(async ([accountId, folders]) => {
      try {
        const result = await client.call('mail.searchServer', { accountId, folders, criteria, limit: SERVER_RESULT_LIMIT }, { signal })
        outcome.total += result.total
        if (result.total > result.messages.length) outcome.truncated = true
        for (const { path, error } of result.failed) outcome.failedFolders.push({ accountId, path, message: error.message })
        return result.messages.map((message): ServerHit => ({ ...message, accountId }))
      } catch (error) {
        if (signal.aborted) throw error
        outcome.unreachable.push({ accountId, message: error instanceof Error ? error.message : String(error) })
        return []
      }
    }),
  )
  const found = answers.flat().filter((hit) => !query.hasAttachment || hit.hasAttachments)
  const cached = await db.messages.bulkGet(found.map((hit): MessageKey => [hit.accountId, hit.path, hit.uid]))
  const local = (await db.messages.bulkGet(localKeys().slice(0, 1000))).filter((row): row is MessageRow => row !== undefined)
  const localIds = new Set(local.filter((row) => row.messageId).map((row) => `${row.accountId} ${row.messageId}`))
  outcome.hits = found
    .filter((hit, i) => cached[i] === undefined && !(hit.messageId && localIds.has(`${hit.accountId} ${hit.messageId}`)))
    .sort((a, b) => (b.date ?? b.internalDate) - (a.date ?? a.internalDate))
    .slice(0, SERVER_RESULT_LIMIT)
  return outcome
}
