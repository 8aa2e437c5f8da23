import type { BusyPeriod, BusyType, FreeBusyAnswer } from '../../../src-main/common/domain/free-busy'
import type { Attendee } from './attendees'
import type { CalendarRow } from './calendar-database'
import type { ViewOccurrence } from './occurrence-query'
import { instantOf, parseWall, wallAt, wallMs, wallOf } from './time-zones'

const MINUTE = 60_000
const DAY = 86_400_000

/** One row of the scheduling grid: me, or an attendee, with what is known of their time. */
export interface ScheduleRow {
  /** "me" or the attendee's address */
  key: string
  label: string
  address: string | null
  /** optional attendees are shown but not waited for */
  optional: boolean
  periods: BusyPeriod[]
  /** where the busy times come from, in words */
  source: string
  /** nothing known about this person's time */
  unknown: boolean
}

/** The user's working hours: "09:00"–"17:00" on these weekdays (0 = Sunday). */
export interface WorkingHours {
  start: string
  end: string
  days: number[]
}

export const DEFAULT_WORKING_DAYS = [1, 2, 3, 4, 5]

/**
 * My busy time from my own calendars in the store: every timed occurrence but the event being
 * edited, cancelled ones, and all-day ones (holidays and birthdays rarely block a meeting).
 */
export function myBusy(occurrences: readonly ViewOccurrence[], editedUid: string | null): BusyPeriod[] {
  return occurrences
    .filter((o) => !o.allDay && o.uid !== editedUid && o.status !== 'CANCELLED' && o.end > o.start)
    .map((o) => ({ start: o.start, end: o.end, type: (o.status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY') as BusyType }))
}

/**
 * The calendars the store knows of one person: those whose owner has this address (shared
 * calendars discovery found; calendars without an owner are the account's own).
 */
export function calendarUrlsOf(address: string, accountId: string, calendars: readonly CalendarRow[]): string[] {
  return calendars
    .filter((c) => c.accountId === accountId && ownerAddress(c) === address.toLowerCase())
    .map((c) => c.url)
}

function ownerAddress(calendar: CalendarRow): string | null {
  const owner = calendar.owner
  return owner?.address ? owner.address.replace(/^mailto:/i, '').toLowerCase() : null
}

/** Where an answer came from, for the legend. */
export function sourceText(answer: FreeBusyAnswer | undefined, name: string): string {
  if (!answer) return 'asking…'
  switch (answer.source) {
    case 'schedule-outbox':
      return 'from server scheduling'
    case 'free-busy-query':
      return `from the free/busy of ${name}’s calendars`
    case 'shared-calendar':
      return `from ${name}’s shared calendar`
    default:
      return 'not available — no free/busy published'
  }
}

/** The rows of the grid: me first, then each attendee in the order invited. */
export function scheduleRows(
  me: { label: string; periods: BusyPeriod[] },
  attendees: readonly Attendee[],
  answers: ReadonlyMap<string, FreeBusyAnswer>,
): ScheduleRow[] {
  const rows: ScheduleRow[] = [{ key: 'me', label: me.label, address: null, optional: false, periods: me.periods, source: 'from your calendars', unknown: false }]
  for (const attendee of attendees) {
    if (attendee.role === 'NON-PARTICIPANT') continue
    const answer = answers.get(attendee.address)
    const name = attendee.name ?? attendee.address.split('@')[0]!
    rows.push({
      key: attendee.address,
      label: attendee.name ?? attendee.address,
      address: attendee.address,
      optional: attendee.role === 'OPT-PARTICIPANT',
      periods: answer?.periods ?? [],
      source: sourceText(answer, name),
      unknown: !answer || answer.source === null,
    })
  }
  return rows
}

/** "09:30" → 570 minutes. */
function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/**
 * The first slot of `duration` at or after `from` in which none of `busy` falls, inside working
 * hours (in `zone`) and on a step of `stepMinutes` from the hour; null when none within `days`.
 * Every kind of busy counts (tentative too): a slot offered as free should be free.
 */
export function nextFreeSlot(options: {
  from: number
  duration: number
  busy: readonly BusyPeriod[]
  hours: WorkingHours
  zone: string
  stepMinutes?: number
  days?: number
}): { start: number; end: number } | null {
  const { from, duration, busy, hours, zone } = options
  const step = (options.stepMinutes ?? 15) * MINUTE
  const sorted = [...busy].sort((a, b) => a.start - b.start)
  const startMinutes = minutesOf(hours.start)
  const endMinutes = minutesOf(hours.end)
  if (duration <= 0 || endMinutes <= startMinutes) return null
  const firstDay = wallAt(zone, from)
  const dayZero = Date.UTC(firstDay.year, firstDay.month - 1, firstDay.day)
  for (let d = 0; d < (options.days ?? 28); d++) {
    const wallDay = dayZero + d * DAY
    if (!hours.days.includes(new Date(wallDay).getUTCDay())) continue
    const open = instantOf(zone, wallOf(wallDay + startMinutes * MINUTE))
    const close = instantOf(zone, wallOf(wallDay + endMinutes * MINUTE))
    let candidate = Math.max(open, roundUp(from, step, zone))
    while (candidate + duration <= close) {
      const clash = sorted.find((p) => p.start < candidate + duration && p.end > candidate)
      if (!clash) return { start: candidate, end: candidate + duration }
      candidate = roundUp(clash.end, step, zone)
    }
  }
  return null
}

/** The next wall-clock multiple of `step` (e.g. :00, :15, :30, :45) at or after an instant. */
function roundUp(instant: number, step: number, zone: string): number {
  const wall = wallMs(wallAt(zone, instant))
  const rounded = Math.ceil(wall / step) * step
  return instant + (rounded - wall)
}

/** Every required row's busy periods (me included): what "everyone is free" must avoid. */
export function requiredBusy(rows: readonly ScheduleRow[]): BusyPeriod[] {
  return rows.filter((r) => !r.optional).flatMap((r) => r.periods)
}

/** The day (or week) the grid shows, as instants in `zone`: [start, end). */
export function gridWindow(date: string, days: number, zone: string): { start: number; end: number } {
  const day = wallMs(parseWall(date))
  return { start: instantOf(zone, day), end: instantOf(zone, day + days * DAY) }
}
