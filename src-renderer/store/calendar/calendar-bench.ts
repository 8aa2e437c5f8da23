import { expandObject, parseObject, type Occurrence, type ParsedObject } from './ical-object'

/**
 * The benchmark `calendar.expand.year.1k` (for `npm run bench`): a year of 1,000 events, a third of
 * them recurring (every other day, weekly on one or two days, monthly by date or nth weekday, yearly), in UTC, in an IANA
 * zone and in an embedded VTIMEZONE, with exceptions and overrides; `prepare` parses them (the
 * store's parse cache does that once per object), `expand` lays out the whole year in the user's
 * zone, which is what moving through the views costs.
 */
export interface CalendarBench {
  objects: ParsedObject[]
  expand(): Occurrence[]
}

const YEAR_START = Date.UTC(2027, 0, 1)
const YEAR_END = Date.UTC(2028, 0, 1)

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Paris',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']

/** A rule DTSTART is an occurrence of (RFC 5545 §3.8.5.3: synchronized). */
function ruleFor(i: number, startMs: number): string {
  const d = new Date(startMs)
  const weekday = d.getUTCDay()
  switch (i % 6) {
    case 0:
      return 'FREQ=DAILY;INTERVAL=2'
    case 1:
      return `FREQ=WEEKLY;BYDAY=${WEEKDAYS[weekday]},${WEEKDAYS[(weekday + 2) % 7]}`
    case 2:
      return `FREQ=MONTHLY;BYMONTHDAY=${d.getUTCDate()}`
    case 3:
      return 'FREQ=WEEKLY'
    case 4:
      return 'FREQ=YEARLY'
    default:
      return `FREQ=MONTHLY;BYDAY=${Math.ceil(d.getUTCDate() / 7)}${WEEKDAYS[weekday]}`
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '')
}

/** The raw iCalendar objects of the benchmark (deterministic). */
export function yearOfEvents(count = 1000): string[] {
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const startMs = YEAR_START + ((i * 7919) % 360) * 86_400_000 + (8 + (i % 9)) * 3_600_000
    const recurring = i % 3 === 0
    const flavour = i % 3 === 1 ? 'utc' : i % 2 === 0 ? 'vtimezone' : 'iana'
    const local = stamp(startMs)
    const end = stamp(startMs + 3_600_000)
    const dt =
      flavour === 'utc'
        ? [`DTSTART:${local}Z`, `DTEND:${end}Z`]
        : flavour === 'vtimezone'
          ? [`DTSTART;TZID=Europe/Paris:${local}`, `DTEND;TZID=Europe/Paris:${end}`]
          : [`DTSTART;TZID=America/Chicago:${local}`, `DTEND;TZID=America/Chicago:${end}`]
    const rule = recurring ? [`RRULE:${ruleFor(i / 3, startMs)}`] : []
    const exdate = recurring && i % 4 === 0 && flavour !== 'utc' ? [`EXDATE;TZID=${flavour === 'vtimezone' ? 'Europe/Paris' : 'America/Chicago'}:${local}`] : []
    const lines = ['BEGIN:VEVENT', `UID:bench-${i}@quire.test`, 'DTSTAMP:20260101T000000Z', ...dt, ...rule, ...exdate, `SUMMARY:Event ${i}`, 'END:VEVENT']
    out.push(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quire bench//EN', ...(flavour === 'vtimezone' ? VTIMEZONE : []), ...lines, 'END:VCALENDAR', ''].join('\r\n'))
  }
  return out
}

export function prepareCalendarBench(zone = 'Europe/Berlin', count = 1000): CalendarBench {
  const objects = yearOfEvents(count).map(parseObject)
  return {
    objects,
    expand: () => objects.flatMap((object) => expandObject(object, { from: YEAR_START, to: YEAR_END, zone })),
  }
}
