import type { DAVResponse } from 'tsdav'
import { QuireError } from '../../common/contract'
import type { CalendarChanges, CalendarCursor, CalendarObject, ObjectVersion } from '../../common/domain/calendar'
import { textOf, type DavClient } from '../dav-client'

const NS = { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav', 'xmlns:cs': 'http://calendarserver.org/ns/' }
/** RFC 6578 §3.6: a server may truncate its answer; more than this many rounds means something is wrong */
const MAX_SYNC_ROUNDS = 100

/**
 * What changed in one calendar since `cursor`. With sync-collection (RFC 6578) that is the
 * server's own delta; an initial sync, or a token the server no longer knows (§3.2: 403/409
 * valid-sync-token), lists everything instead. Without it, the CTag (calendarserver.org) says
 * whether anything changed, and a Depth 1 PROPFIND of ETags lists what is there.
 */
export async function calendarChanges(
  client: DavClient,
  calendar: { url: string; syncCollection: boolean },
  cursor: CalendarCursor | null,
  signal?: AbortSignal,
): Promise<CalendarChanges> {
  if (calendar.syncCollection) {
    if (cursor?.syncToken) {
      try {
        return await syncCollection(client, calendar.url, cursor.syncToken, signal)
      } catch (error) {
        if (!(error instanceof QuireError) || !['FORBIDDEN', 'BAD_INPUT', 'NOT_FOUND'].includes(error.code)) throw error
        // the token expired or the server lost it: start again from a full listing
      }
    }
    try {
      return await syncCollection(client, calendar.url, null, signal)
    } catch (error) {
      if (!(error instanceof QuireError) || error.code !== 'MISSING_CAPABILITY') throw error
    }
  }
  return ctagChanges(client, calendar.url, cursor, signal)
}

async function syncCollection(client: DavClient, url: string, token: string | null, signal?: AbortSignal): Promise<CalendarChanges> {
  const changed = new Map<string, ObjectVersion>()
  const removed = new Set<string>()
  let current = token
  for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
    const responses = await client.report(
      url,
      { 'sync-collection': { _attributes: NS, 'sync-token': current ?? '', 'sync-level': 1, prop: { getetag: {} } } },
      '0',
      signal,
    )
    const next = syncTokenOf(responses)
    if (!next) throw new QuireError('MISSING_CAPABILITY', { message: 'The server answered sync-collection without a sync-token.' })
    let truncated = false
    for (const response of responses) {
      if (!response.href) continue
      const href = new URL(response.href, url).href
      if (sameCollection(href, url)) {
        truncated ||= response.status === 507
        continue
      }
      if (response.status === 404) {
        changed.delete(href)
        removed.add(href)
      } else if (response.ok) {
        removed.delete(href)
        changed.set(href, { href, etag: textOf(response.props?.getetag) ?? '' })
      }
    }
    current = next
    if (!truncated) break
  }
  const cursor = { syncToken: current, ctag: null }
  if (token === null) return { kind: 'full', items: [...changed.values()], cursor }
  if (changed.size === 0 && removed.size === 0) return { kind: 'unchanged', cursor }
  return { kind: 'delta', changed: [...changed.values()], removed: [...removed], cursor }
}

async function ctagChanges(client: DavClient, url: string, cursor: CalendarCursor | null, signal?: AbortSignal): Promise<CalendarChanges> {
  const [self] = await client.propfind(url, { 'cs:getctag': {} }, '0', signal)
  const ctag = textOf(self?.props?.getctag) ?? null
  if (ctag !== null && cursor?.ctag === ctag) return { kind: 'unchanged', cursor: { syncToken: null, ctag } }
  const responses = await client.propfind(url, { 'd:getetag': {}, 'd:resourcetype': {} }, '1', signal)
  const items: ObjectVersion[] = []
  for (const response of responses) {
    if (!response.href || !response.ok) continue
    const href = new URL(response.href, url).href
    if (sameCollection(href, url) || Object.keys((response.props?.resourcetype as object | undefined) ?? {}).includes('collection')) continue
    items.push({ href, etag: textOf(response.props?.getetag) ?? '' })
  }
  return { kind: 'full', items, cursor: { syncToken: null, ctag } }
}

/** calendar-multiget (RFC 4791 §7.9) of these objects; those the server no longer has are `missing`. */
export async function fetchObjects(client: DavClient, calendarUrl: string, hrefs: string[], signal?: AbortSignal): Promise<{ objects: CalendarObject[]; missing: string[] }> {
  const wanted = new Map(hrefs.map((href) => [new URL(href).href, href]))
  const responses = await client.report(
    calendarUrl,
    {
      'c:calendar-multiget': {
        _attributes: NS,
        prop: { getetag: {}, 'c:calendar-data': {} },
        href: [...wanted.keys()].map((href) => new URL(href).pathname),
      },
    },
    '1',
    signal,
  )
  const objects: CalendarObject[] = []
  for (const response of responses) {
    if (!response.href || !response.ok) continue
    const href = new URL(response.href, calendarUrl).href
    const data = textOf(response.props?.calendarData)
    if (!wanted.has(href) || !data) continue
    objects.push({ href: wanted.get(href)!, etag: textOf(response.props?.getetag) ?? null, data: withFinalNewline(data) })
    wanted.delete(href)
  }
  return { objects, missing: [...wanted.values()] }
}

function syncTokenOf(responses: DAVResponse[]): string | undefined {
  const raw = responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined
  return textOf(raw?.multistatus?.syncToken)
}

function sameCollection(a: string, b: string): boolean {
  return a.replace(/\/$/, '') === b.replace(/\/$/, '')
}

/** The XML reader trims text; an iCalendar stream ends with CRLF (RFC 5545 §3.1). */
function withFinalNewline(data: string): string {
  return data.endsWith('\n') ? data : `${data}\r\n`
}
