import type { BusyPeriod } from '../../common/domain/free-busy'
import type { DavClient } from '../dav-client'
import { davHttpError } from '../dav-errors'
import { periodsOfVFreeBusy } from './busy-periods'
import { davExchange } from './dav-exchange'

/** The calendar cannot answer a free-busy-query; the next source is tried. */
export class FreeBusyQueryUnsupported extends Error {}

/**
 * RFC 4791 §7.10: a free-busy-query REPORT on one calendar answers a VFREEBUSY of its busy time,
 * needing only CALDAV:read-free-busy. Servers without it answer otherwise: Radicale a 207
 * multistatus listing the calendar's objects (which is not free/busy at all), others 403/405/501.
 * Only an iCalendar body counts as an answer (Xandikos sends it as application/octet-stream).
 */
export async function freeBusyQuery(client: DavClient, calendarUrl: string, start: number, end: number, signal?: AbortSignal): Promise<BusyPeriod[]> {
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="${utcStamp(start)}" end="${utcStamp(end)}"/></C:free-busy-query>`
  const answer = await davExchange(client, calendarUrl, { method: 'REPORT', headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' }, body }, signal)
  if (answer.status === 401) throw davHttpError(401, calendarUrl, client.serverLabel)
  if ([400, 403, 405, 415, 422, 501].includes(answer.status) || answer.status === 207 || (answer.status >= 200 && answer.status < 300 && !/BEGIN:VCALENDAR/i.test(answer.text))) {
    throw new FreeBusyQueryUnsupported(answer.status === 403 ? 'you may not read its free/busy' : `the server does not answer free-busy-query (${answer.status})`)
  }
  if (answer.status < 200 || answer.status >= 300) throw davHttpError(answer.status, calendarUrl, client.serverLabel, answer.text)
  return periodsOfVFreeBusy(answer.text, start, end)
}

/** 20300115T100000Z */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}
