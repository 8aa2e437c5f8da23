import { getBasicAuthHeaders } from 'tsdav'
import type { DavClient } from '../dav-client'
import { toDavError } from '../dav-errors'

export interface DavExchange {
  status: number
  /** lowercased media type without parameters ("text/calendar") */
  mediaType: string
  text: string
}

/**
 * One request with the account's login whose answer is not (necessarily) a multistatus: a POST to
 * the scheduling outbox answers a schedule-response, a free-busy-query REPORT answers iCalendar.
 * Only URLs on the account's server get the credentials.
 */
export async function davExchange(
  client: DavClient,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
  signal?: AbortSignal,
): Promise<DavExchange> {
  client.assertTrusted(url)
  try {
    const response = await client.fetch(url, {
      method: init.method,
      headers: { ...getBasicAuthHeaders({ username: client.login.username, password: client.login.password }), ...init.headers },
      body: init.body,
      ...(signal ? { signal } : {}),
    })
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    return { status: response.status, mediaType, text: await response.text() }
  } catch (error) {
    throw toDavError(error, client.serverLabel)
  }
}
