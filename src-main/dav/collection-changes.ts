import type { DAVResponse } from 'tsdav'
import { QuireError } from '../common/contract'
import { textOf, type DavClient } from './dav-client'

const NS = { 'xmlns:d': 'DAV:' }
/** RFC 6578 §3.6: a server may truncate its answer; more than this many rounds means something is wrong */
const MAX_SYNC_ROUNDS = 100

/** Where the last sync of a collection left off: an RFC 6578 sync-token, else the collection's CTag. */
export interface CollectionCursor {
  syncToken: string | null
  ctag: string | null
}

/** One member resource (calendar object, vCard) by name and version. */
export interface MemberVersion {
  href: string
  etag: string
}

/**
 * What changed in a collection since a cursor. `delta`: what sync-collection reported; `full`:
 * every member the server has — anything cached that is not listed is gone; `unchanged`: nothing to do.
 */
export type CollectionChanges =
  | { kind: 'unchanged'; cursor: CollectionCursor }
  | { kind: 'delta'; changed: MemberVersion[]; removed: string[]; cursor: CollectionCursor }
  | { kind: 'full'; items: MemberVersion[]; cursor: CollectionCursor }

/**
 * What changed in one WebDAV collection — a calendar or an address book, the walk is the same —
 * since `cursor`. With sync-collection (RFC 6578) that is the server's own delta; an initial sync,
 * or a token the server no longer knows (§3.2: 403/409 valid-sync-token), lists everything instead.
 * Without it, the CTag (calendarserver.org) says whether anything changed, and a Depth 1 PROPFIND
 * of ETags lists what is there.
 */
export async function collectionChanges(
  client: DavClient,
  collection: { url: string; syncCollection: boolean },
  cursor: CollectionCursor | null,
  signal?: AbortSignal,
): Promise<CollectionChanges> {
  if (collection.syncCollection) {
    if (cursor?.syncToken) {
      try {
        return await syncCollection(client, collection.url, cursor.syncToken, signal)
      } catch (error) {
        if (!(error instanceof QuireError) || !['FORBIDDEN', 'BAD_INPUT', 'NOT_FOUND'].includes(error.code)) throw error
        // the token expired or the server lost it: start again from a full listing
      }
    }
    try {
      return await syncCollection(client, collection.url, null, signal)
    } catch (error) {
      if (!(error instanceof QuireError) || error.code !== 'MISSING_CAPABILITY') throw error
    }
  }
  return ctagChanges(client, collection.url, cursor, signal)
}

async function syncCollection(client: DavClient, url: string, token: string | null, signal?: AbortSignal): Promise<CollectionChanges> {
  const changed = new Map<string, MemberVersion>()
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

async function ctagChanges(client: DavClient, url: string, cursor: CollectionCursor | null, signal?: AbortSignal): Promise<CollectionChanges> {
  const [self] = await client.propfind(url, { 'cs:getctag': {} }, '0', signal)
  const ctag = textOf(self?.props?.getctag) ?? null
  if (ctag !== null && cursor?.ctag === ctag) return { kind: 'unchanged', cursor: { syncToken: null, ctag } }
  const responses = await client.propfind(url, { 'd:getetag': {}, 'd:resourcetype': {} }, '1', signal)
  const items: MemberVersion[] = []
  for (const response of responses) {
    if (!response.href || !response.ok) continue
    const href = new URL(response.href, url).href
    if (sameCollection(href, url) || Object.keys((response.props?.resourcetype as object | undefined) ?? {}).includes('collection')) continue
    items.push({ href, etag: textOf(response.props?.getetag) ?? '' })
  }
  return { kind: 'full', items, cursor: { syncToken: null, ctag } }
}

function syncTokenOf(responses: DAVResponse[]): string | undefined {
  const raw = responses[0]?.raw as { multistatus?: { syncToken?: unknown } } | undefined
  return textOf(raw?.multistatus?.syncToken)
}

function sameCollection(a: string, b: string): boolean {
  return a.replace(/\/$/, '') === b.replace(/\/$/, '')
}
