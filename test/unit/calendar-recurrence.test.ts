import { alarmsOf, expandObject, objectSpan, occurrenceWalls, parseObject, type ExpandWindow, type Occurrence } from '../../src-renderer/store/calendar/ical-object'

const ics = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Quire tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n')
const window = (from: string, to: string, zone: string) => ({ from: Date.parse(from), to: Date.parse(to), zone })
/** Occurrences with their wall-clock times in the window's zone. */
const expand = (...args: Parameters<typeof expandObject>) => {
  const [, w] = args as [unknown, ExpandWindow]
  return expandObject(...args).map((o) => {
    const { start, end } = occurrenceWalls(o, w.zone)
    return { ...o, startWall: start, endWall: end }
  })
}
const walls = (occurrences: ReturnType<typeof expand>) => occurrences.map((o) => `${o.startWall}–${o.endWall.slice(11) || o.endWall}`)
const utc = (occurrences: Occurrence[]) => occurrences.map((o) => new Date(o.start).toISOString())

const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

/** Mondays at 09:00 Berlin from 2 March 2026, six times; 16 March excluded; 23 March moved to Tuesday 24 March 14:00. */
const weekly = (withVtimezone: boolean) =>
  ics(
    ...(withVtimezone ? BERLIN_VTIMEZONE : []),
    'BEGIN:VEVENT',
    'UID:weekly@quire.test',
    'DTSTAMP:20260101T000000Z',
    'DTSTART;TZID=Europe/Berlin:20260302T090000',
    'DTEND;TZID=Europe/Berlin:20260302T100000',
    'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
    'EXDATE;TZID=Europe/Berlin:20260316T090000',
    'SUMMARY:Team meeting',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:weekly@quire.test',
    'DTSTAMP:20260101T000000Z',
    'RECURRENCE-ID;TZID=Europe/Berlin:20260323T090000',
    'DTSTART;TZID=Europe/Berlin:20260324T140000',
    'DTEND;TZID=Europe/Berlin:20260324T150000',
    'SUMMARY:Team meeting (moved)',
    'END:VEVENT',
  )

describe('recurrence expansion (ical.js, RFC 5545 §3.8.5)', () => {
  for (const withVtimezone of [false, true]) {
    it(`a weekly event with an EXDATE and an overridden instance, across the EU DST change (${withVtimezone ? 'embedded VTIMEZONE' : 'IANA TZID only'})`, () => {
      const object = parseObject(weekly(withVtimezone))
      const occurrences = expand(object, window('2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', 'Europe/Berlin'))
      expect(walls(occurrences)).toEqual([
        '2026-03-02T09:00:00–10:00:00',
        '2026-03-09T09:00:00–10:00:00',
        // 16 March: EXDATE
        '2026-03-24T14:00:00–15:00:00',
        // 29 March Berlin moves to summer time: still 09:00 on the wall, an hour earlier in UTC
        '2026-03-30T09:00:00–10:00:00',
        '2026-04-06T09:00:00–10:00:00',
      ])
      expect(utc(occurrences)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-09T08:00:00.000Z', '2026-03-24T13:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z'])
      const moved = occurrences[2]!
      expect(moved).toMatchObject({ summary: 'Team meeting (moved)', exception: true, recurring: true, recurrenceId: '20260323T090000' })
      expect(occurrences[0]).toMatchObject({ summary: 'Team meeting', exception: false, recurrenceId: '20260302T090000', timeZone: 'Europe/Berlin' })
    })
  }

  it('shows the Berlin meeting in the user’s zone: New York changes to summer time two weeks before Berlin', () => {
    const occurrences = expand(parseObject(weekly(false)), window('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z', 'America/New_York'))
    expect(occurrences.map((o) => o.startWall)).toEqual([
      '2026-03-02T03:00:00', // EST, CET: 6 hours apart
      '2026-03-09T04:00:00', // EDT since 8 March, still CET: 5 hours
      '2026-03-24T09:00:00',
      '2026-03-30T03:00:00', // both on summer time: 6 hours again
    ])
  })

  it('the window cuts the series: only occurrences overlapping it, including an override moved into it', () => {
    const occurrences = expand(parseObject(weekly(false)), window('2026-03-24T00:00:00Z', '2026-03-25T00:00:00Z', 'Europe/Berlin'))
    expect(walls(occurrences)).toEqual(['2026-03-24T14:00:00–15:00:00'])
    expect(expand(parseObject(weekly(false)), window('2026-03-23T00:00:00Z', '2026-03-24T00:00:00Z', 'Europe/Berlin'))).toEqual([])
  })

  it('a monthly event on the last Friday', () => {
    const object = parseObject(
      ics('BEGIN:VEVENT', 'UID:lastfriday@quire.test', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20260130T160000', 'DTEND;TZID=America/New_York:20260130T170000', 'RRULE:FREQ=MONTHLY;BYDAY=-1FR', 'SUMMARY:Retro', 'END:VEVENT'),
    )
    const occurrences = expand(object, window('2026-01-01T00:00:00Z', '2026-08-01T00:00:00Z', 'America/New_York'))
    expect(occurrences.map((o) => o.startWall)).toEqual([
      '2026-01-30T16:00:00',
      '2026-02-27T16:00:00',
      '2026-03-27T16:00:00',
      '2026-04-24T16:00:00',
      '2026-05-29T16:00:00',
      '2026-06-26T16:00:00',
      '2026-07-31T16:00:00',
    ])
    expect(objectSpan(object).end).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('a daily event crossing the US change back to standard time keeps its wall-clock time', () => {
    const object = parseObject(
      ics('BEGIN:VEVENT', 'UID:daily@quire.test', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=America/New_York:20261030T083000', 'DTEND;TZID=America/New_York:20261030T090000', 'RRULE:FREQ=DAILY;COUNT=4', 'SUMMARY:Stand-up', 'END:VEVENT'),
    )
    const occurrences = expand(object, window('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z', 'America/New_York'))
    expect(occurrences.map((o) => o.startWall)).toEqual(['2026-10-30T08:30:00', '2026-10-31T08:30:00', '2026-11-01T08:30:00', '2026-11-02T08:30:00'])
    expect(utc(occurrences)).toEqual(['2026-10-30T12:30:00.000Z', '2026-10-31T12:30:00.000Z', '2026-11-01T13:30:00.000Z', '2026-11-02T13:30:00.000Z'])
    expect(objectSpan(object)).toEqual({ start: Date.parse('2026-10-30T12:30:00Z'), end: Date.parse('2026-11-02T14:00:00Z') })
  })

  it('a single event spanning the night of the EU change to summer time lasts two real hours', () => {
    const object = parseObject(
      ics('BEGIN:VEVENT', 'UID:night@quire.test', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Europe/Berlin:20260329T010000', 'DTEND;TZID=Europe/Berlin:20260329T040000', 'SUMMARY:Night shift', 'END:VEVENT'),
    )
    const [night] = expand(object, window('2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z', 'Europe/Berlin'))
    expect(night).toMatchObject({ startWall: '2026-03-29T01:00:00', endWall: '2026-03-29T04:00:00' })
    expect((night!.end - night!.start) / 3_600_000).toBe(2)
  })

  it('an unknown TZID works through its embedded VTIMEZONE', () => {
    const object = parseObject(
      ics(
        'BEGIN:VTIMEZONE',
        'TZID:Custom/Atlantis',
        'BEGIN:STANDARD',
        'TZOFFSETFROM:+0530',
        'TZOFFSETTO:+0530',
        'DTSTART:19700101T000000',
        'END:STANDARD',
        'END:VTIMEZONE',
        'BEGIN:VEVENT',
        'UID:atlantis@quire.test',
        'DTSTAMP:20260101T000000Z',
        'DTSTART;TZID=Custom/Atlantis:20260610T090000',
        'DTEND;TZID=Custom/Atlantis:20260610T100000',
        'RRULE:FREQ=DAILY;COUNT=2',
        'SUMMARY:Sunken city tour',
        'END:VEVENT',
      ),
    )
    const occurrences = expand(object, window('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z', 'UTC'))
    expect(utc(occurrences)).toEqual(['2026-06-10T03:30:00.000Z', '2026-06-11T03:30:00.000Z'])
  })

  it('floating times and all-day events stay on their date and wall-clock time in every zone', () => {
    const object = (lines: string[]) => parseObject(ics('BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'))
    const allDay = object(['UID:allday@quire.test', 'DTSTART;VALUE=DATE:20260315', 'DTEND;VALUE=DATE:20260317', 'SUMMARY:Conference'])
    const floating = object(['UID:floating@quire.test', 'DTSTART:20260315T090000', 'DTEND:20260315T093000', 'SUMMARY:Take pills'])
    for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Tokyo', 'UTC']) {
      const w = window('2026-03-13T00:00:00Z', '2026-03-19T00:00:00Z', zone)
      expect(expand(allDay, w).map((o) => [o.allDay, o.startWall, o.endWall])).toEqual([[true, '2026-03-15', '2026-03-17']])
      expect(expand(floating, w).map((o) => [o.startWall, o.endWall])).toEqual([['2026-03-15T09:00:00', '2026-03-15T09:30:00']])
    }
  })

  it('RDATE adds occurrences and an all-day yearly series keeps its date', () => {
    const object = parseObject(
      ics('BEGIN:VEVENT', 'UID:birthday@quire.test', 'DTSTAMP:20260101T000000Z', 'DTSTART;VALUE=DATE:20240229', 'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1', 'RDATE;VALUE=DATE:20260704', 'SUMMARY:Birthday', 'END:VEVENT'),
    )
    const occurrences = expand(object, window('2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 'Europe/Berlin'))
    expect(occurrences.map((o) => o.startWall)).toEqual(['2025-02-28', '2026-02-28', '2026-07-04'])
  })

  it('VALARM triggers relative to start or end and absolute ones, with ACKNOWLEDGED (RFC 9074)', () => {
    const object = parseObject(
      ics(
        'BEGIN:VEVENT',
        'UID:alarm@quire.test',
        'DTSTAMP:20260101T000000Z',
        'DTSTART:20260601T100000Z',
        'DTEND:20260601T110000Z',
        'SUMMARY:Dentist',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER:-PT15M',
        'DESCRIPTION:Leave now',
        'ACKNOWLEDGED:20260601T094600Z',
        'END:VALARM',
        'BEGIN:VALARM',
        'ACTION:EMAIL',
        'TRIGGER;RELATED=END:PT5M',
        'SUMMARY:x',
        'DESCRIPTION:Pay',
        'ATTENDEE:mailto:a@example.org',
        'END:VALARM',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER;VALUE=DATE-TIME:20260531T080000Z',
        'END:VALARM',
        'END:VEVENT',
      ),
    )
    const [occurrence] = expand(object, window('2026-06-01T00:00:00Z', '2026-06-02T00:00:00Z', 'UTC'))
    expect(alarmsOf(object, occurrence!).map((a) => [new Date(a.at).toISOString(), a.action, a.description, a.acknowledged && new Date(a.acknowledged).toISOString()])).toEqual([
      ['2026-06-01T09:45:00.000Z', 'DISPLAY', 'Leave now', '2026-06-01T09:46:00.000Z'],
      ['2026-06-01T11:05:00.000Z', 'EMAIL', 'Pay', null],
      ['2026-05-31T08:00:00.000Z', 'DISPLAY', 'Dentist', null],
    ])
  })
})
