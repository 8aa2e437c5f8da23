import type { CalendarObject } from '../../common/domain/calendar'
import { textOf, type DavClient } from '../dav-client'
import { withFinalNewline } from '../dav-properties'

const NS = { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' }

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
