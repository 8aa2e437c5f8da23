import { randomBytes } from 'node:crypto'

/**
 * "Someone else" on a CalDAV server: plain fetch with Basic auth, nothing of Quire's. Tests use it
 * to check what reached the server and to change things behind Quire's back.
 */
export class CalDavPeer {
  private readonly auth: string

  constructor(
    readonly baseUrl: string,
    username: string,
    password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  }

  /** MKCALENDAR (RFC 4791 §5.3.1) a new, empty calendar under `home`; returns its URL. */
  async makeCalendar(home: string, name = `test-${randomBytes(4).toString('hex')}`): Promise<string> {
    const url = new URL(`${name}/`, home).href
    const body = `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>${name}</D:displayname></D:prop></D:set></C:mkcalendar>`
    const response = await this.request(url, { method: 'MKCALENDAR', body, headers: { 'Content-Type': 'application/xml; charset=utf-8' } })
    if (response.status !== 201) throw new Error(`MKCALENDAR ${url}: ${response.status} ${await response.text()}`)
    return url
  }

  async put(url: string, data: string, etag?: string): Promise<string | null> {
    const headers: Record<string, string> = { 'Content-Type': 'text/calendar; charset=utf-8' }
    if (etag) headers['If-Match'] = etag
    const response = await this.request(url, { method: 'PUT', body: data, headers })
    if (!response.ok) throw new Error(`PUT ${url}: ${response.status} ${await response.text()}`)
    return response.headers.get('etag') ?? (await this.get(url))?.etag ?? null
  }

  async get(url: string): Promise<{ etag: string | null; data: string } | null> {
    const response = await this.request(url, { method: 'GET' })
    if (response.status === 404) return null
    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`)
    return { etag: response.headers.get('etag'), data: await response.text() }
  }

  async delete(url: string): Promise<void> {
    const response = await this.request(url, { method: 'DELETE' })
    if (!response.ok && response.status !== 404) throw new Error(`DELETE ${url}: ${response.status}`)
  }

  /** The hrefs (absolute URLs) of every object in a calendar, by PROPFIND Depth 1. */
  async list(calendarUrl: string): Promise<string[]> {
    const response = await this.request(calendarUrl, {
      method: 'PROPFIND',
      headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' },
      body: '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>',
    })
    const text = await response.text()
    const hrefs = [...text.matchAll(/<(?:\w+:)?href>([^<]+)<\/(?:\w+:)?href>/g)].map((m) => new URL(m[1]!.trim(), calendarUrl).href)
    return hrefs.filter((href) => href.replace(/\/$/, '') !== calendarUrl.replace(/\/$/, ''))
  }

  private request(url: string, init: RequestInit): Promise<Response> {
    return fetch(url, { ...init, headers: { Authorization: this.auth, ...(init.headers as Record<string, string>) } })
  }
}

/** A small VEVENT; `extra` lines go inside it. Times are UTC unless `extra` says otherwise. */
export function vevent(uid: string, summary: string, start: string, end: string, extra: string[] = []): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Quire tests//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${start}`,
    `DTEND:${end}`,
    `SUMMARY:${summary}`,
    ...extra,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}
