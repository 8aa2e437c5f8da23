/**
 * IANA time zone arithmetic on the browser's own database (Intl): the wall-clock time in a zone for
 * an instant, and the instant for a wall-clock time. iCalendar recurrence runs in wall-clock time
 * (RFC 5545 §3.3.10: a 10:00 weekly meeting stays at 10:00 across a DST change), so every
 * occurrence is converted on its own. Offsets are cached per zone and UTC day, which makes
 * expanding thousands of occurrences cheap.
 */

/** Wall-clock fields; `month` is 1–12. */
export interface WallTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const DAY_MS = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()
/** zone → UTC day number → offset in ms valid for that whole day, or null when it changes during it */
const dayOffsets = new Map<string, Map<number, number | null>>()
const known = new Map<string, boolean>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, f)
  }
  return f
}

/** Whether the browser knows this IANA zone name ("Europe/Berlin", "UTC"). */
export function isKnownZone(zone: string): boolean {
  let ok = known.get(zone)
  if (ok === undefined) {
    try {
      formatter(zone)
      ok = true
    } catch {
      ok = false
    }
    known.set(zone, ok)
  }
  return ok
}

/** The zone the operating system is set to. */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

function exactOffset(zone: string, utcMs: number): number {
  const parts = formatter(zone).formatToParts(utcMs)
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(utcMs / 1000) * 1000
}

/** The offset for the whole UTC day of `utcMs`, or null when it changes during that day. */
function dayOffset(zone: string, utcMs: number): number | null {
  let days = dayOffsets.get(zone)
  if (!days) dayOffsets.set(zone, (days = new Map()))
  const day = Math.floor(utcMs / DAY_MS)
  let offset = days.get(day)
  if (offset === undefined) {
    const start = exactOffset(zone, day * DAY_MS)
    offset = start === exactOffset(zone, day * DAY_MS + DAY_MS - 1000) ? start : null
    days.set(day, offset)
  }
  return offset
}

/** The zone's offset from UTC (ms, east positive) at an instant. */
export function zoneOffset(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0
  return dayOffset(zone, utcMs) ?? exactOffset(zone, utcMs)
}

/** The wall-clock time in `zone` at an instant. */
export function wallAt(zone: string, utcMs: number): WallTime {
  return wallOf(utcMs + zoneOffset(zone, utcMs))
}

/** Wall fields of a "wall as UTC" number. */
export function wallOf(wallMs: number): WallTime {
  const d = new Date(wallMs)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }
}

export function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)
}

/**
 * The instant of a wall-clock time in `zone`. A time that does not exist (skipped by a DST change)
 * moves forward by the gap, as RFC 5545 §3.3.5 says; one that happens twice is its first occurrence.
 */
export function instantOf(zone: string, wall: WallTime | number): number {
  const local = typeof wall === 'number' ? wall : wallMs(wall)
  if (zone === 'UTC' || zone === 'Etc/UTC') return local
  // the common case: no change of offset anywhere near
  const near = dayOffset(zone, local)
  const guess = near === null ? 0 : local - near
  if (near !== null && dayOffset(zone, guess - 3 * 3_600_000) === near && dayOffset(zone, guess + 3 * 3_600_000) === near) return guess
  // the offsets a day either side: at most one change lies between them
  const before = zoneOffset(zone, local - DAY_MS)
  const after = zoneOffset(zone, local + DAY_MS)
  const early = local - before
  const late = local - after
  const earlyValid = zoneOffset(zone, early) === before
  const lateValid = zoneOffset(zone, late) === after
  if (earlyValid && lateValid) return Math.min(early, late)
  if (earlyValid) return early
  if (lateValid) return late
  // in the gap: RFC 5545 §3.3.5 reads it with the offset from before the gap
  return early
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** "2026-03-29" */
export function dateString(wall: WallTime): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`
}

/** "2026-03-29T10:30:00" (no zone: a floating wall-clock time) */
export function wallString(wall: WallTime): string {
  return `${dateString(wall)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`
}

/** Parses "2026-03-29" or "2026-03-29T10:30[:00]" into wall fields. */
export function parseWall(text: string): WallTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text)
  if (!m) throw new Error(`Not a date or time: ${text}`)
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) }
}

/**
 * The IANA zones the browser knows, for pickers, with UTC and `also` (zones in use, which may be
 * aliases the canonical list leaves out, such as "UTC" itself or "Asia/Calcutta").
 */
export function zoneNames(...also: (string | null | undefined)[]): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] }
  const canonical = intl.supportedValuesOf?.('timeZone') ?? [systemZone()]
  const extra = [...also, 'UTC'].filter((z): z is string => Boolean(z) && !canonical.includes(z!))
  return [...new Set([...extra, ...canonical])]
}
