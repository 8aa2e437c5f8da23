import type { AccountId } from '../../../src-main/common/domain/account'
import type { CalendarDatabase, CalendarRow, ConflictVersion, EventRow } from './calendar-database'
import { parsedRow } from './event-row'
import { expandObject, type Occurrence } from './ical-object'

/** An occurrence with where it lives and how to show it. */
export interface ViewOccurrence extends Occurrence {
  /** unique among the occurrences shown: object and instance */
  key: string
  accountId: AccountId
  calendarUrl: string
  href: string
  color: string
  calendarName: string
  readOnly: boolean
  /** a change on its way to the server */
  pending: boolean
  conflict: ConflictVersion | null
}

export const DEFAULT_CALENDAR_COLOR = '#2f6feb'

/** Colours for other people's calendars when their server keeps none, so theirs never look like mine. */
const PEOPLE_COLORS = ['#8250df', '#bf3989', '#1a7f37', '#bc4c00', '#0e7490', '#9a6700']

export function calendarColor(calendar: Pick<CalendarRow, 'color' | 'owner'> | undefined): string {
  if (calendar?.color) return calendar.color
  const owner = calendar?.owner
  if (!owner) return DEFAULT_CALENDAR_COLOR
  // one colour per person, the same on every start
  const key = owner.address ?? owner.principalUrl ?? owner.name ?? ''
  let hash = 0
  for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return PEOPLE_COLORS[hash % PEOPLE_COLORS.length]!
}

/** The rows whose occurrences may fall in [from, to). */
export function rowsBetween(db: CalendarDatabase, from: number, to: number): Promise<EventRow[]> {
  return db.events
    .where('rangeStart')
    .below(to)
    .filter((row) => row.rangeEnd > from && !row.deleted)
    .toArray()
}

/** Every occurrence in [from, to) of the visible calendars, in the user's zone, in start order. */
export async function occurrencesBetween(db: CalendarDatabase, from: number, to: number, zone: string, options: { includeHidden?: boolean } = {}): Promise<ViewOccurrence[]> {
  const [rows, calendars] = await Promise.all([rowsBetween(db, from, to), db.calendars.toArray()])
  return expandRows(rows, calendars, from, to, zone, options)
}

export function expandRows(rows: EventRow[], calendars: CalendarRow[], from: number, to: number, zone: string, options: { includeHidden?: boolean } = {}): ViewOccurrence[] {
  const byUrl = new Map(calendars.map((c) => [`${c.accountId}\n${c.url}`, c]))
  const out: ViewOccurrence[] = []
  for (const row of rows) {
    const calendar = byUrl.get(`${row.accountId}\n${row.calendarUrl}`)
    if (!calendar || (!calendar.visible && !options.includeHidden)) continue
    const object = parsedRow(row)
    if (!object) continue
    for (const occurrence of expandObject(object, { from, to, zone })) {
      if (occurrence.status === 'CANCELLED' && occurrence.recurring) continue
      out.push({
        ...occurrence,
        key: `${row.accountId}\n${row.href}\n${occurrence.recurrenceId ?? ''}`,
        accountId: row.accountId,
        calendarUrl: row.calendarUrl,
        href: row.href,
        color: calendarColor(calendar),
        calendarName: calendar.name,
        readOnly: calendar.readOnly,
        pending: row.pending === 1,
        conflict: row.conflict,
      })
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end)
}

/** What the views draw of a list of occurrences, as one string: equal strings draw the same. */
export function occurrenceSignature(occurrences: readonly ViewOccurrence[]): string {
  return occurrences
    .map((o) => [o.key, o.start, o.end, o.allDay, o.summary, o.location, o.color, o.calendarName, o.readOnly, o.pending, o.conflict !== null, o.status].join('\u0000'))
    .join('\n')
}
