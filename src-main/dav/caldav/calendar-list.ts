import type { DAVResponse } from 'tsdav'
import type { CalendarCollection } from '../../common/domain/calendar'
import { ensureSlash, textOf, type DavClient } from '../dav-client'
import { list, privilegesOf, reportsOf } from '../dav-properties'

/** What a calendar home is asked about each collection in it (one PROPFIND, Depth 1). */
const CALENDAR_PROPS = {
  'd:displayname': {},
  'd:resourcetype': {},
  'd:current-user-privilege-set': {},
  'd:supported-report-set': {},
  'd:sync-token': {},
  'cs:getctag': {},
  'c:supported-calendar-component-set': {},
  'c:calendar-description': {},
  'ca:calendar-color': {},
  'ca:calendar-order': {},
}

/** RFC 3744 §3.1 privileges that allow changing a collection's members. */
const WRITE_PRIVILEGES = ['all', 'write', 'writeContent', 'bind']

/** The calendars (VEVENT-capable collections) in every calendar home the principal has. */
export async function listCalendars(client: DavClient, homeUrls: string[], signal?: AbortSignal): Promise<CalendarCollection[]> {
  const calendars: CalendarCollection[] = []
  for (const home of homeUrls) {
    const responses = await client.propfind(home, CALENDAR_PROPS, '1', signal)
    for (const response of responses) {
      const calendar = toCalendar(response, home)
      if (calendar && !calendars.some((c) => c.url === calendar.url)) calendars.push(calendar)
    }
  }
  return calendars.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.name.localeCompare(b.name))
}

function toCalendar(response: DAVResponse, home: string): CalendarCollection | undefined {
  if (!response.href || !response.ok) return undefined
  const props = response.props ?? {}
  const types = Object.keys((props.resourcetype as object | undefined) ?? {})
  if (!types.includes('calendar')) return undefined // also skips the scheduling inbox and outbox (RFC 6638)
  const components = componentsOf(props.supportedCalendarComponentSet)
  if (components.length > 0 && !components.includes('VEVENT')) return undefined // task lists and journals
  const url = ensureSlash(new URL(response.href, home).href)
  const privileges = privilegesOf(props.currentUserPrivilegeSet)
  const order = Number(textOf(props.calendarOrder))
  return {
    url,
    name: textOf(props.displayname) ?? decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'Calendar'),
    color: colorOf(textOf(props.calendarColor)),
    description: textOf(props.calendarDescription) ?? null,
    // no privilege set at all (a server without RFC 3744): assume the owner may write
    readOnly: privileges !== undefined && !privileges.some((p) => WRITE_PRIVILEGES.includes(p)),
    components,
    syncCollection: reportsOf(props.supportedReportSet).includes('syncCollection') || textOf(props.syncToken) !== undefined,
    order: Number.isFinite(order) ? order : null,
  }
}

/** Apple's calendar-color is #RRGGBB or #RRGGBBAA; Quire keeps #rrggbb. */
function colorOf(value: string | undefined): string | null {
  const match = value?.match(/^#([0-9a-f]{6})([0-9a-f]{2})?$/i)
  return match ? `#${match[1]!.toLowerCase()}` : null
}

/** RFC 4791 §5.2.3 supported-calendar-component-set: ["VEVENT", "VTODO", …]. */
function componentsOf(set: unknown): string[] {
  const comps = list((set as { comp?: unknown } | undefined)?.comp)
  return comps.map((c) => String((c as { _attributes?: { name?: unknown } })._attributes?.name ?? '').toUpperCase()).filter(Boolean)
}
