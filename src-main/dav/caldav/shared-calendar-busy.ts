import { textOf, type DavClient } from '../dav-client'
import type { BusyPeriod } from '../../common/domain/free-busy'
import { busyFromEvents } from './busy-from-events'
import { utcStamp } from './free-busy-query'

const NS = { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav' }

/**
 * Busy time read off a calendar someone shared with us: a calendar-query (RFC 4791 §7.8) for the
 * events that overlap the window (the server applies recurrence to the time-range, §9.9), each
 * object's occurrences then expanded here.
 */
export async function sharedCalendarBusy(
  client: DavClient,
  calendarUrl: string,
  start: number,
  end: number,
  zone: string,
  signal?: AbortSignal,
): Promise<{ periods: BusyPeriod[]; unreadable: number }> {
  client.assertTrusted(calendarUrl)
  const responses = await client.report(
    calendarUrl,
    {
      'c:calendar-query': {
        _attributes: NS,
        prop: { 'c:calendar-data': {} },
        'c:filter': {
          'c:comp-filter': {
            _attributes: { name: 'VCALENDAR' },
            'c:comp-filter': { _attributes: { name: 'VEVENT' }, 'c:time-range': { _attributes: { start: utcStamp(start), end: utcStamp(end) } } },
          },
        },
      },
    },
    '1',
    signal,
  )
  const objects = responses.filter((r) => r.ok).map((r) => textOf(r.props?.calendarData)).filter((data): data is string => Boolean(data))
  return busyFromEvents(objects, start, end, zone)
}
