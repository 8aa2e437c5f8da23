import { prepareCalendarBench } from '../../src-renderer/store/calendar/calendar-bench'
import { expandObject, parseObject, type ExpandWindow } from '../../src-renderer/store/calendar/ical-object'

/**
 * The fast RRULE expander must agree with ical.js's general iterator, occurrence for occurrence.
 * Random rules from the supported subset, on random starts, in a few zones, compared over years.
 */

function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

const pick = <T,>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']

function randomRule(r: () => number): string {
  const freq = pick(r, ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const)
  const parts = [`FREQ=${freq}`]
  if (r() < 0.5) parts.push(`INTERVAL=${1 + Math.floor(r() * 3)}`)
  const days = () => [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, WEEKDAYS)))]
  if (freq === 'DAILY' || freq === 'WEEKLY') {
    if (r() < 0.6) parts.push(`BYDAY=${days().join(',')}`)
  } else if (r() < 0.4) {
    // one nth weekday, or plain weekdays: with several nth weekdays, or a mix, ical.js repeats
    // instances and counts ones before DTSTART towards COUNT (the fast path follows RFC 5545 there)
    const nth = r() < 0.6
    parts.push(`BYDAY=${nth ? `${pick(r, [1, 2, 3, 4, -1, -2])}${pick(r, WEEKDAYS)}` : days().join(',')}`)
  } else if (r() < 0.6) {
    parts.push(`BYMONTHDAY=${[...new Set(Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, [1, 2, 15, 28, 29, 30, 31, -1, -3])))].join(',')}`)
  }
  // BYMONTH limits a MONTHLY rule (RFC 5545 §3.3.10); ical.js lets it override INTERVAL, so those are left out
  const interval = parts.some((p) => p.startsWith('INTERVAL=') && p !== 'INTERVAL=1')
  if ((freq === 'YEARLY' && r() < 0.6) || (freq !== 'YEARLY' && !(freq === 'MONTHLY' && interval) && r() < 0.2)) parts.push(`BYMONTH=${[...new Set([pick(r, [1, 2, 3, 6, 10, 12]), pick(r, [2, 4, 11])])].sort((a, b) => a - b).join(',')}`)
  if (freq === 'WEEKLY' && r() < 0.3) parts.push(`WKST=${pick(r, ['SU', 'MO', 'WE'])}`)
  const end = r()
  if (end < 0.35) parts.push(`COUNT=${1 + Math.floor(r() * 40)}`)
  else if (end < 0.7) parts.push(`UNTIL=${2026 + Math.floor(r() * 3)}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}15T120000Z`)
  return parts.join(';')
}

function randomEvent(r: () => number, index: number): string {
  const y = 2025 + Math.floor(r() * 2)
  const m = String(1 + Math.floor(r() * 12)).padStart(2, '0')
  const d = String(1 + Math.floor(r() * 28)).padStart(2, '0')
  const kind = pick(r, ['zone', 'utc', 'floating', 'date'] as const)
  const time = `${String(Math.floor(r() * 24)).padStart(2, '0')}${pick(r, ['00', '30'])}00`
  const dt =
    kind === 'date'
      ? [`DTSTART;VALUE=DATE:${y}${m}${d}`]
      : kind === 'utc'
        ? [`DTSTART:${y}${m}${d}T${time}Z`, `DURATION:PT1H`]
        : kind === 'floating'
          ? [`DTSTART:${y}${m}${d}T${time}`, `DURATION:PT45M`]
          : [`DTSTART;TZID=America/New_York:${y}${m}${d}T${time}`, `DTEND;TZID=America/New_York:${y}${m}${d}T${time.slice(0, 2)}5900`]
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', `UID:r${index}`, 'DTSTAMP:20260101T000000Z', ...dt, `RRULE:${randomRule(r)}`, 'SUMMARY:x', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')
}

const key = (o: { start: number; end: number; recurrenceId: string | null; summary: string }) => `${new Date(o.start).toISOString()}/${new Date(o.end).toISOString()} ${o.recurrenceId} ${o.summary}`

describe('fast RRULE expansion agrees with ical.js', () => {
  it('on 400 random rules from the supported subset', () => {
    const r = random(20261126)
    const window: ExpandWindow = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2029, 0, 1), zone: 'Europe/Berlin' }
    for (let i = 0; i < 400; i++) {
      const raw = randomEvent(r, i)
      const fast = expandObject(parseObject(raw), window).map(key)
      const general = expandObject(parseObject(raw), { ...window, general: true }).map(key)
      expect(fast, raw).toEqual(general)
    }
  })

  it('on the benchmark’s year of events, with EXDATEs and VTIMEZONEs', () => {
    const bench = prepareCalendarBench()
    const window: ExpandWindow = { from: Date.UTC(2027, 0, 1), to: Date.UTC(2028, 0, 1), zone: 'Asia/Kolkata' }
    for (const object of bench.objects) {
      expect(expandObject(object, window).map(key)).toEqual(expandObject(object, { ...window, general: true }).map(key))
    }
  })
})
