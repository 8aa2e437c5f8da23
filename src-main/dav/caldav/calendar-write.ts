import { QuireError } from '../../common/contract'
import type { CalendarConflict } from '../../common/domain/calendar'
import type { DavClient } from '../dav-client'

const ICALENDAR = 'text/calendar; charset=utf-8'

/**
 * Stores one calendar object (RFC 4791 §5.3.2): created only if nothing is there (`etag` null:
 * If-None-Match *), else replacing exactly the version the user edited (If-Match). When someone
 * changed or deleted it meanwhile, the server answers 412 and nothing is overwritten: this throws
 * CONFLICT carrying the server's version, for the user to choose.
 */
export async function putObject(
  client: DavClient,
  href: string,
  data: string,
  etag: string | null,
  signal?: AbortSignal,
): Promise<{ href: string; etag: string | null; data: string | null }> {
  let stored: { etag: string | null }
  try {
    stored = await client.put(href, data, ICALENDAR, etag, signal)
  } catch (error) {
    throw await withServerVersion(client, href, error, signal)
  }
  if (stored.etag) return { href, etag: stored.etag, data: null }
  // RFC 4791 §5.3.4: no ETag in the answer means the server changed what it stored; read it back
  const current = await client.get(href, signal)
  return { href, etag: current?.etag ?? null, data: current && current.data !== data ? current.data : null }
}

/** Deletes exactly this version; a 412 throws CONFLICT with the server's version. */
export async function deleteObject(client: DavClient, href: string, etag: string | null, signal?: AbortSignal): Promise<void> {
  try {
    await client.delete(href, etag, signal)
  } catch (error) {
    throw await withServerVersion(client, href, error, signal)
  }
}

async function withServerVersion(client: DavClient, href: string, error: unknown, signal?: AbortSignal): Promise<unknown> {
  if (!(error instanceof QuireError) || error.code !== 'CONFLICT') return error
  const current = await client.get(href, signal)
  const details: CalendarConflict = { current: current ? { href, etag: current.etag, data: current.data } : null }
  return new QuireError('CONFLICT', {
    message: current
      ? 'Someone changed this event on the server since Quire last synced it. Choose which version to keep.'
      : 'Someone deleted this event on the server since Quire last synced it. Choose whether to keep your version.',
    details,
  })
}
