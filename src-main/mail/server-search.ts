import type { ImapFlow, SearchObject } from 'imapflow'
import { QuireError, type ProcedureOutput } from '../common/contract'
import type { z } from 'zod'
import type { mailContract } from '../common/contract/mail'
import type { MessageHeader } from '../common/domain/mail'
import { fetchHeaders } from './header-fetch'
import { searchUids } from './uid-search'
import { compactSequenceSet } from './uid-set'

type SearchInput = z.output<(typeof mailContract)['mail.searchServer']['input']>
export type ServerSearchCriteria = SearchInput['criteria']

/** "2026-03-14" as the Date imapflow formats back to 14-Mar-2026 (it formats in UTC). */
const dayDate = (day: string) => new Date(`${day}T00:00:00.000Z`)

/** The earlier of two days (ISO days compare as strings). */
const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a < b ? a : b)

/**
 * The query as an imapflow SearchObject. It holds one key per criterion, so the second word,
 * sender … go one level down: an OR with a single operand compiles to that operand alone, in
 * parentheses, which IMAP reads as AND (RFC 3501 §6.4.4: a parenthesised list of search keys).
 * `before` is the folder's own limit (the day its cache starts): older mail is the server's part.
 */
export function toSearchObject(criteria: ServerSearchCriteria, folderBefore: string | null): SearchObject {
  const { words, from, to, subject } = criteria
  const depth = Math.max(words.length, from.length, to.length, subject.length, 1)
  let nested: SearchObject | null = null
  for (let i = depth - 1; i >= 0; i--) {
    const level: SearchObject = {}
    if (words[i] !== undefined) level.text = words[i]
    if (from[i] !== undefined) level.from = from[i]
    if (to[i] !== undefined) level.to = to[i]
    if (subject[i] !== undefined) level.subject = subject[i]
    if (nested) level.or = [nested]
    nested = level
  }
  const query: SearchObject = nested ?? {}
  if (criteria.unread !== null) query.seen = !criteria.unread
  if (criteria.flagged !== null) query.flagged = criteria.flagged
  const before = earlier(criteria.before, folderBefore)
  if (before !== null) query.before = dayDate(before)
  if (criteria.since !== null) query.since = dayDate(criteria.since)
  if (Object.keys(query).length === 0) query.all = true
  return query
}

/**
 * The matches of one folder (already selected on `client`): how many, and the headers of the
 * newest `limit` (highest UIDs: UIDs grow with arrival, RFC 3501 §2.3.1.1).
 */
export async function searchFolder(client: ImapFlow, criteria: ServerSearchCriteria, folderBefore: string | null, limit: number): Promise<{ total: number; headers: MessageHeader[] }> {
  const uids = await searchUids(client, toSearchObject(criteria, folderBefore))
  const newest = uids.slice(-limit)
  return { total: uids.length, headers: newest.length > 0 ? await fetchHeaders(client, compactSequenceSet(newest), { byUid: true }) : [] }
}

/** What one folder can fail with while the others still answer; anything else (offline, refused login …) is the account's. */
const FOLDER_ERRORS = new Set(['NOT_FOUND', 'FORBIDDEN', 'FOLDER_UNAVAILABLE', 'INTERNAL'])

/** What `searchServer` needs of an account's session: a folder selected on a pooled connection. */
export interface FolderAccess {
  withFolder<T>(path: string, signal: AbortSignal, qresync: null, work: (client: ImapFlow) => Promise<T>): Promise<T>
}

/**
 * `mail.searchServer`: each folder in turn on the account's pool, then the newest `limit` of all
 * matches. A folder the server refuses (deleted meanwhile, no rights) is reported and skipped; a
 * connection that cannot be made fails the whole search (OFFLINE: the renderer shows cached results only).
 */
export async function searchServer(session: FolderAccess, input: SearchInput, signal: AbortSignal): Promise<ProcedureOutput<'mail.searchServer'>> {
  const { folders, criteria, limit } = input
  const found: ProcedureOutput<'mail.searchServer'>['messages'] = []
  const failed: ProcedureOutput<'mail.searchServer'>['failed'] = []
  let total = 0
  for (const { path, before } of folders) {
    try {
      const result = await session.withFolder(path, signal, null, (client) => searchFolder(client, criteria, before, limit))
      total += result.total
      for (const header of result.headers) found.push({ ...header, path })
    } catch (error) {
      if (!(error instanceof QuireError) || !FOLDER_ERRORS.has(error.code)) throw error
      failed.push({ path, error: error.toShape() })
    }
  }
  const messages = found.sort((a, b) => (b.date ?? b.internalDate) - (a.date ?? a.internalDate)).slice(0, limit)
  return { messages, total, failed }
}
