import { dateString, parseWall, wallAt, wallMs, wallOf } from '../store/calendar/time-zones'
import type { CalendarViewName } from './calendar-prefs'

const DAY = 86_400_000
/** the agenda lists this many days from its date */
export const AGENDA_DAYS = 14

/** Today's date on the wall clock of `zone`: "2026-11-26". */
export function todayIn(zone: string, now = Date.now()): string {
  return dateString(wallAt(zone, now))
}

export function addDays(date: string, days: number): string {
  return dateString(wallOf(wallMs(parseWall(date)) + days * DAY))
}

export function addMonths(date: string, months: number): string {
  const wall = parseWall(date)
  const index = wall.year * 12 + wall.month - 1 + months
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return dateString({ year, month, day: Math.min(wall.day, last), hour: 0, minute: 0, second: 0 })
}

/** The date one step back or forward in a view: a day, a week, a month, or the agenda's span. */
export function stepDate(date: string, view: CalendarViewName, direction: 1 | -1): string {
  switch (view) {
    case 'day':
      return addDays(date, direction)
    case 'week':
    case 'workweek':
      return addDays(date, 7 * direction)
    case 'month':
      return addMonths(date, direction)
    case 'agenda':
      return addDays(date, AGENDA_DAYS * direction)
  }
}

export function weekdayOf(date: string): number {
  return new Date(wallMs(parseWall(date))).getUTCDay()
}

/** The first day of the week holding `date`. */
export function startOfWeek(date: string, weekStart: number): string {
  return addDays(date, -((weekdayOf(date) - weekStart + 7) % 7))
}

const utcDate = (date: string) => new Date(wallMs(parseWall(date)))

/** "Thursday 26 November 2026", "23 – 29 November 2026", "November 2026"… in the user's language. */
export function viewTitle(date: string, view: CalendarViewName, weekStart: number, locale?: string): string {
  const format = (d: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(utcDate(d))
  switch (view) {
    case 'day':
      return format(date, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
    case 'month':
      return format(date, { month: 'long', year: 'numeric' })
    case 'agenda': {
      const formatter = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
      return formatter.formatRange(utcDate(date), utcDate(addDays(date, AGENDA_DAYS - 1)))
    }
    default: {
      const first = view === 'workweek' ? nextWorkday(startOfWeek(date, weekStart)) : startOfWeek(date, weekStart)
      const last = view === 'workweek' ? lastWorkday(first) : addDays(first, 6)
      return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).formatRange(utcDate(first), utcDate(last))
    }
  }
}

function nextWorkday(date: string): string {
  let d = date
  while (weekdayOf(d) === 0 || weekdayOf(d) === 6) d = addDays(d, 1)
  return d
}

function lastWorkday(first: string): string {
  let d = first
  for (let i = 0; i < 6; i++) if (weekdayOf(addDays(first, i)) !== 0 && weekdayOf(addDays(first, i)) !== 6) d = addDays(first, i)
  return d
}

/** The weeks of the month holding `date`, each seven dates from the week start (a mini month). */
export function monthWeeks(date: string, weekStart: number): string[][] {
  const first = `${date.slice(0, 8)}01`
  let day = startOfWeek(first, weekStart)
  const weeks: string[][] = []
  for (let w = 0; w < 6; w++) {
    const week: string[] = []
    for (let i = 0; i < 7; i++) {
      week.push(day)
      day = addDays(day, 1)
    }
    weeks.push(week)
  }
  return weeks
}

/** Weekday names from the week start, short: ["Mo", "Tu", …] in the user's language. */
export function weekdayNames(weekStart: number, style: 'narrow' | 'short' | 'long' = 'short', locale?: string): string[] {
  const formatter = new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' })
  // 4 January 1970 was a Sunday
  return Array.from({ length: 7 }, (_, i) => formatter.format(new Date(Date.UTC(1970, 0, 4 + ((weekStart + i) % 7)))))
}

/** A JS Date from a view callback holds the wall-clock time in its local fields: back to "YYYY-MM-DDTHH:mm:ss". */
export function localWall(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** The zone's current offset as "+05:30", for the views' clock (now line, today). */
export function offsetString(zone: string, now = Date.now()): string {
  const wall = wallMs(wallAt(zone, now))
  const minutes = Math.round((wall - Math.floor(now / 1000) * 1000) / 60_000)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** The dates (in `zone`) on which something of `occurrences` happens, between `from` and `to`. */
export function busyDates(occurrences: readonly { start: number; end: number }[], from: number, to: number, zone: string): ReadonlySet<string> {
  const days = new Set<string>()
  for (const o of occurrences) {
    const first = dateString(wallAt(zone, Math.max(o.start, from)))
    // the end is exclusive: an event ending at midnight does not touch the next day
    const last = dateString(wallAt(zone, Math.min(Math.max(o.end - 1, o.start), to - 1)))
    for (let d = first; d <= last; d = addDays(d, 1)) days.add(d)
  }
  return days
}
