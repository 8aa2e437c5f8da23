import { acknowledgeAlarm, createObjectData, deleteEvent, draftOf, moveEvent, newDraft, updateEvent } from '../../src-renderer/store/calendar/event-edit'
import { alarmsOf, expandObject, occurrenceWalls, parseObject, type Occurrence } from '../../src-renderer/store/calendar/ical-object'

const NOW = Date.UTC(2026, 0, 10, 12)
const ZONE = 'Europe/Berlin'
const W = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2027, 0, 1), zone: ZONE }
let uidCounter = 0
const newUid = () => `split-${++uidCounter}@quire.test`

const ics = (...lines: string[]) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other client//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n')

/** Mondays 09:00 Berlin, 8 times from 5 January 2026, with properties Quire does not know. */
const SERIES = ics(
  'X-WR-CALNAME:Somebody’s calendar',
  'BEGIN:VEVENT',
  'UID:series@quire.test',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20260105T090000',
  'DTEND;TZID=Europe/Berlin:20260105T100000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8',
  'SUMMARY:Planning',
  'ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.test',
  'X-CUSTOM-THING;X-PARAM=1:keep me',
  'CATEGORIES:Work,Important',
  'BEGIN:VALARM',
  'ACTION:EMAIL',
  'TRIGGER;RELATED=END:PT0S',
  'DESCRIPTION:Minutes',
  'SUMMARY:Minutes',
  'ATTENDEE:mailto:alice@example.test',
  'END:VALARM',
  'END:VEVENT',
)

const starts = (raw: string) => expandObject(parseObject(raw), W).map((o) => occurrenceWalls(o, ZONE).start)
const occurrence = (raw: string, start: string): Occurrence => {
  const found = expandObject(parseObject(raw), W).find((o) => occurrenceWalls(o, ZONE).start === start)
  if (!found) throw new Error(`no occurrence at ${start}`)
  return found
}

describe('editing events (ical.js, RFC 5545)', () => {
  it('a new event has its UID, times in its zone with a VTIMEZONE, reminders and a DTSTAMP', () => {
    const data = createObjectData('new@quire.test', { ...newDraft('2026-03-29T10:00', '2026-03-29T11:30', ZONE), summary: 'Lunch', location: 'Canteen', reminders: [15] }, NOW)
    expect(data).toMatch(/DTSTART;TZID=Europe\/Berlin:20260329T100000/)
    expect(data).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Berlin/)
    expect(data).toMatch(/TRIGGER:-PT15M/)
    const [o] = expandObject(parseObject(data), W)
    expect(o).toMatchObject({ uid: 'new@quire.test', summary: 'Lunch', location: 'Canteen', timeZone: ZONE })
    // 29 March is the day Berlin moves to summer time: 10:00 CEST is 08:00 UTC
    expect(new Date(o!.start).toISOString()).toBe('2026-03-29T08:00:00.000Z')
    expect((o!.end - o!.start) / 60_000).toBe(90)
  })

  it('an all-day event keeps its dates: the editor’s last day is inclusive, DTEND exclusive', () => {
    const data = createObjectData('allday@quire.test', { ...newDraft('2026-05-01', '2026-05-03', null, true), summary: 'Trip' }, NOW)
    expect(data).toMatch(/DTSTART;VALUE=DATE:20260501/)
    expect(data).toMatch(/DTEND;VALUE=DATE:20260504/)
    expect(draftOf(parseObject(data), null, 'all')).toMatchObject({ allDay: true, start: '2026-05-01', end: '2026-05-03' })
  })

  it('properties Quire does not understand survive an edit', () => {
    const o = occurrence(SERIES, '2026-01-05T09:00:00')
    const draft = { ...draftOf(parseObject(SERIES), o, 'all'), summary: 'Planning (new room)' }
    const { data } = updateEvent(SERIES, o, draft, 'all', NOW, newUid)
    for (const kept of ['X-WR-CALNAME:Somebody’s calendar', 'ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED:mailto:bob@example.test', 'X-CUSTOM-THING;X-PARAM=1:keep me', 'CATEGORIES:Work,Important', 'ACTION:EMAIL', 'TRIGGER;RELATED=END:PT0S']) {
      expect(data).toContain(kept)
    }
    expect(data).toContain('SUMMARY:Planning (new room)')
    expect(starts(data!)).toHaveLength(8)
  })

  it('“this occurrence” writes an override with RECURRENCE-ID; the rest of the series stays', () => {
    const o = occurrence(SERIES, '2026-01-19T09:00:00')
    const draft = { ...draftOf(parseObject(SERIES), o, 'this'), summary: 'Planning (moved)', start: '2026-01-20T14:00', end: '2026-01-20T15:00' }
    const { data, created } = updateEvent(SERIES, o, draft, 'this', NOW, newUid)
    expect(created).toBeUndefined()
    expect(data).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000')
    expect(starts(data!)).toEqual([
      '2026-01-05T09:00:00',
      '2026-01-12T09:00:00',
      '2026-01-20T14:00:00',
      '2026-01-26T09:00:00',
      '2026-02-02T09:00:00',
      '2026-02-09T09:00:00',
      '2026-02-16T09:00:00',
      '2026-02-23T09:00:00',
    ])
    const moved = expandObject(parseObject(data!), W)[2]!
    expect(moved).toMatchObject({ summary: 'Planning (moved)', exception: true, recurrenceId: '20260119T090000' })
    // editing the same instance again changes that override, not a second one
    const again = updateEvent(data!, moved, { ...draftOf(parseObject(data!), moved, 'this'), summary: 'Planning (moved again)' }, 'this', NOW, newUid)
    expect(again.data!.match(/RECURRENCE-ID/g)).toHaveLength(1)
  })

  it('“this and following” ends the series with UNTIL and starts a new one, COUNT shared between them', () => {
    const o = occurrence(SERIES, '2026-02-02T09:00:00')
    const draft = { ...draftOf(parseObject(SERIES), o, 'following'), start: '2026-02-02T11:00', end: '2026-02-02T12:00' }
    const { data, created } = updateEvent(SERIES, o, draft, 'following', NOW, newUid)
    expect(starts(data!)).toEqual(['2026-01-05T09:00:00', '2026-01-12T09:00:00', '2026-01-19T09:00:00', '2026-01-26T09:00:00'])
    expect(data).toMatch(/RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260202T075959Z/)
    expect(created!.uid).toMatch(/^split-/)
    expect(starts(created!.data)).toEqual(['2026-02-02T11:00:00', '2026-02-09T11:00:00', '2026-02-16T11:00:00', '2026-02-23T11:00:00'])
    expect(created!.data).toContain('X-CUSTOM-THING;X-PARAM=1:keep me')
  })

  it('“all” moves the series and takes its exceptions along', () => {
    const withExceptions = updateEvent(SERIES, occurrence(SERIES, '2026-01-19T09:00:00'), { ...draftOf(parseObject(SERIES), occurrence(SERIES, '2026-01-19T09:00:00'), 'this'), summary: 'Special' }, 'this', NOW, newUid).data!
    const excluded = deleteEvent(withExceptions, occurrence(withExceptions, '2026-01-26T09:00:00'), 'this', NOW).data!
    expect(starts(excluded)).toHaveLength(7)
    const o = occurrence(excluded, '2026-01-12T09:00:00')
    const draft = { ...draftOf(parseObject(excluded), o, 'all'), start: '2026-01-12T10:30', end: '2026-01-12T11:30' }
    const { data } = updateEvent(excluded, o, draft, 'all', NOW, newUid)
    const after = expandObject(parseObject(data!), W)
    expect(after.map((x) => occurrenceWalls(x, ZONE).start)).toEqual([
      '2026-01-05T10:30:00',
      '2026-01-12T10:30:00',
      '2026-01-19T09:00:00', // the override keeps its own time
      // 26 January stays excluded
      '2026-02-02T10:30:00',
      '2026-02-09T10:30:00',
      '2026-02-16T10:30:00',
      '2026-02-23T10:30:00',
    ])
    expect(after[2]).toMatchObject({ summary: 'Special', recurrenceId: '20260119T103000' })
  })

  it('deleting one occurrence adds an EXDATE, the following ones sets UNTIL, all of them deletes the object', () => {
    const one = deleteEvent(SERIES, occurrence(SERIES, '2026-01-12T09:00:00'), 'this', NOW).data!
    expect(one).toContain('EXDATE;TZID=Europe/Berlin:20260112T090000')
    expect(starts(one)).not.toContain('2026-01-12T09:00:00')
    expect(starts(one)).toHaveLength(7)
    const following = deleteEvent(SERIES, occurrence(SERIES, '2026-01-26T09:00:00'), 'following', NOW).data!
    expect(starts(following)).toEqual(['2026-01-05T09:00:00', '2026-01-12T09:00:00', '2026-01-19T09:00:00'])
    expect(deleteEvent(SERIES, occurrence(SERIES, '2026-01-26T09:00:00'), 'all', NOW).data).toBeNull()
    expect(deleteEvent(SERIES, occurrence(SERIES, '2026-01-05T09:00:00'), 'following', NOW).data).toBeNull()
  })

  it('dragging in New York moves a Berlin event by the same instant and keeps it in Berlin time', () => {
    const single = createObjectData('drag@quire.test', { ...newDraft('2026-06-10T15:00', '2026-06-10T16:00', ZONE), summary: 'Call' }, NOW)
    const [o] = expandObject(parseObject(single), { ...W, zone: 'America/New_York' })
    expect(occurrenceWalls(o!, 'America/New_York').start).toBe('2026-06-10T09:00:00')
    const { data } = moveEvent(single, o!, '2026-06-10T11:00:00', '2026-06-10T12:30:00', false, 'America/New_York', 'this', NOW, newUid)
    expect(data).toMatch(/DTSTART;TZID=Europe\/Berlin:20260610T170000/)
    expect(data).toMatch(/DTEND;TZID=Europe\/Berlin:20260610T183000/)
  })

  it('dragging one occurrence of a weekly series by a day with “all” moves the weekday too', () => {
    const o = occurrence(SERIES, '2026-01-12T09:00:00')
    const { data } = moveEvent(SERIES, o, '2026-01-13T09:00:00', '2026-01-13T10:00:00', false, ZONE, 'all', NOW, newUid)
    expect(data).toMatch(/BYDAY=TU/)
    expect(starts(data!).slice(0, 3)).toEqual(['2026-01-06T09:00:00', '2026-01-13T09:00:00', '2026-01-20T09:00:00'])
  })

  it('dismissing a reminder writes ACKNOWLEDGED (RFC 9074) and keeps other alarms as they were', () => {
    const data = createObjectData('remind@quire.test', { ...newDraft('2026-06-10T15:00', '2026-06-10T16:00', ZONE), summary: 'Dentist', reminders: [10, 60] }, NOW)
    const [o] = expandObject(parseObject(data), W)
    const acknowledged = acknowledgeAlarm(data, null, 0, Date.UTC(2026, 5, 10, 12, 51))
    expect(acknowledged).toMatch(/ACKNOWLEDGED:20260610T125100Z/)
    const alarms = alarmsOf(parseObject(acknowledged), o!)
    expect(alarms.map((a) => [a.index, new Date(a.at).toISOString(), a.acknowledged && new Date(a.acknowledged).toISOString()])).toEqual([
      [0, '2026-06-10T12:50:00.000Z', '2026-06-10T12:51:00.000Z'],
      [1, '2026-06-10T12:00:00.000Z', null],
    ])
    // changing reminders keeps the alarms still wanted
    const draft = { ...draftOf(parseObject(acknowledged), o!, 'all'), reminders: [10, 5] }
    const edited = updateEvent(acknowledged, o!, draft, 'all', NOW, newUid).data!
    expect(edited).toMatch(/ACKNOWLEDGED:20260610T125100Z/)
    expect(edited).toMatch(/TRIGGER:-PT5M/)
    expect(edited).not.toMatch(/TRIGGER:-PT1H/)
  })

  it('a new weekly series with weekdays, an interval and UNTIL reads back into the same draft', () => {
    const draft = {
      ...newDraft('2026-03-02T08:00', '2026-03-02T08:30', ZONE),
      summary: 'Gym',
      recurrence: { freq: 'WEEKLY' as const, interval: 2, weekdays: ['MO' as const, 'TH' as const], monthly: 'day' as const, end: { kind: 'until' as const, date: '2026-04-30' }, custom: null },
    }
    const data = createObjectData('gym@quire.test', draft, NOW)
    expect(data).toMatch(/RRULE:FREQ=WEEKLY;BYDAY=MO,TH;INTERVAL=2;UNTIL=20260430T215959Z|RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20260430T215959Z/)
    expect(draftOf(parseObject(data), null, 'all').recurrence).toEqual(draft.recurrence)
    expect(starts(data)).toEqual([
      '2026-03-02T08:00:00',
      '2026-03-05T08:00:00',
      '2026-03-16T08:00:00',
      '2026-03-19T08:00:00',
      '2026-03-30T08:00:00',
      '2026-04-02T08:00:00',
      '2026-04-13T08:00:00',
      '2026-04-16T08:00:00',
      '2026-04-27T08:00:00',
      '2026-04-30T08:00:00',
    ])
  })
})
