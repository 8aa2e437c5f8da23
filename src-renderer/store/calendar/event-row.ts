import type { AccountId } from '../../../src-main/common/domain/account'
import type { EventRow } from './calendar-database'
import { hasAlarms, objectSpan, parseObject, type ParsedObject } from './ical-object'

/** Parsed objects by row, re-parsed only when the row's text changes. */
const cache = new Map<string, { data: string; object: ParsedObject | null }>()
const CACHE_LIMIT = 20_000

/** The parsed form of a row's iCalendar text; null when it cannot be read. */
export function parsedRow(row: Pick<EventRow, 'accountId' | 'calendarUrl' | 'href' | 'data'>): ParsedObject | null {
  const key = `${row.accountId}\n${row.href}`
  const hit = cache.get(key)
  if (hit && hit.data === row.data) return hit.object
  let object: ParsedObject | null
  try {
    object = parseObject(row.data)
  } catch {
    object = null
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  cache.set(key, { data: row.data, object })
  return object
}

/** A row for an object: the text as the server keeps it, plus what the views query by. */
export function eventRow(
  accountId: AccountId,
  calendarUrl: string,
  href: string,
  etag: string | null,
  data: string,
  local: Pick<EventRow, 'pending' | 'deleted' | 'conflict'> = { pending: 0, deleted: 0, conflict: null },
): EventRow {
  let object: ParsedObject | null = null
  let parseError: string | null = null
  try {
    object = parsedRow({ accountId, calendarUrl, href, data })
    if (!object) parseError = 'The event could not be read.'
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error)
  }
  const span = object ? objectSpan(object) : { start: 0, end: 0 }
  const first = object?.master ?? object?.overrides[0] ?? null
  return {
    accountId,
    calendarUrl,
    href,
    uid: object?.uid ?? '',
    etag,
    data,
    summary: first?.summary ?? '',
    rangeStart: span.start,
    rangeEnd: span.end,
    recurring: object?.master?.isRecurring() ? 1 : 0,
    hasAlarms: object && hasAlarms(object) ? 1 : 0,
    parseError,
    ...local,
  }
}
