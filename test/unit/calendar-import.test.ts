import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import type { AccountId } from '../../src-main/common/domain/account'
import type { Client } from '../../src-renderer/rpc/client'
import { CalendarActions } from '../../src-renderer/store/calendar/calendar-actions'
import { CalendarDatabase } from '../../src-renderer/store/calendar/calendar-database'
import { CalendarTaskQueue } from '../../src-renderer/store/calendar/calendar-tasks'
import { exportIcs, importIcs } from '../../src-renderer/store/calendar/ics-transfer'
import { expandObject, parseObject } from '../../src-renderer/store/calendar/ical-object'

const accountId = 'account-one' as AccountId
const calendarUrl = 'https://dav.example.test/cal/work/'

function store() {
  const db = new CalendarDatabase(`import-${randomUUID()}`)
  // the queue is never started: the writes stay queued, as offline
  const tasks = new CalendarTaskQueue(db, {} as Client)
  return { db, actions: new CalendarActions(db, tasks) }
}

const FILE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Elsewhere//EN',
  'BEGIN:VTIMEZONE',
  'TZID:Custom/Office',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0300',
  'TZOFFSETTO:+0300',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
  'BEGIN:VEVENT',
  'UID:weekly@elsewhere',
  'DTSTAMP:20260101T000000Z',
  'SEQUENCE:1',
  'DTSTART;TZID=Custom/Office:20260105T090000',
  'DTEND;TZID=Custom/Office:20260105T100000',
  'RRULE:FREQ=WEEKLY;COUNT=3',
  'SUMMARY:Weekly',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly@elsewhere',
  'DTSTAMP:20260101T000000Z',
  'RECURRENCE-ID;TZID=Custom/Office:20260112T090000',
  'DTSTART;TZID=Custom/Office:20260112T110000',
  'DTEND;TZID=Custom/Office:20260112T120000',
  'SUMMARY:Weekly (later)',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:single@elsewhere',
  'DTSTAMP:20260101T000000Z',
  'DTSTART;VALUE=DATE:20260120',
  'SUMMARY:Holiday',
  'END:VEVENT',
  'BEGIN:VTODO',
  'UID:todo@elsewhere',
  'SUMMARY:Buy milk',
  'END:VTODO',
  'BEGIN:VEVENT',
  'UID:broken@elsewhere',
  'SUMMARY:No start',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n')

describe('importing and exporting .ics', () => {
  it('imports each UID as one object with its overrides and time zones, and says what it skipped and why', async () => {
    const { db, actions } = store()
    const summary = await importIcs(db, actions, accountId, calendarUrl, FILE)
    expect(summary).toEqual({
      added: 2,
      updated: 0,
      skipped: [
        { what: 'Buy milk', why: 'a task, not an event' },
        { what: 'No start', why: 'it has no start (DTSTART)' },
      ],
    })
    const rows = await db.events.toArray()
    expect(rows.map((r) => r.uid).sort()).toEqual(['single@elsewhere', 'weekly@elsewhere'])
    expect(rows.every((r) => r.pending === 1 && r.etag === null)).toBe(true)
    expect(await db.tasks.count()).toBe(2)
    const weekly = rows.find((r) => r.uid === 'weekly@elsewhere')!
    expect(weekly.href.startsWith(calendarUrl)).toBe(true)
    expect(weekly.data).toContain('TZID:Custom/Office')
    const starts = expandObject(parseObject(weekly.data), { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1), zone: 'UTC' }).map((o) => new Date(o.start).toISOString())
    expect(starts).toEqual(['2026-01-05T06:00:00.000Z', '2026-01-12T08:00:00.000Z', '2026-01-19T06:00:00.000Z'])
  })

  it('importing again skips what is unchanged and updates only what is newer', async () => {
    const { db, actions } = store()
    await importIcs(db, actions, accountId, calendarUrl, FILE)
    const again = await importIcs(db, actions, accountId, calendarUrl, FILE.replaceAll('DTSTAMP:20260101T000000Z', 'DTSTAMP:20260301T000000Z'))
    expect(again.added).toBe(0)
    expect(again.updated).toBe(0)
    expect(again.skipped.filter((s) => s.why === 'the calendar already has it, unchanged').map((s) => s.what).sort()).toEqual(['Holiday', 'Weekly'])

    const older = await importIcs(db, actions, accountId, calendarUrl, FILE.replace('SEQUENCE:1', 'SEQUENCE:0').replace('SUMMARY:Weekly\r\n', 'SUMMARY:Weekly (old)\r\n'))
    expect(older.skipped).toContainEqual({ what: 'Weekly (old)', why: 'the calendar has the same or a newer version' })
    const newer = await importIcs(db, actions, accountId, calendarUrl, FILE.replace('SEQUENCE:1', 'SEQUENCE:2').replace('SUMMARY:Weekly\r\n', 'SUMMARY:Weekly (new)\r\n'))
    expect(newer.updated).toBe(1)
    expect((await db.events.filter((r) => r.uid === 'weekly@elsewhere').first())?.summary).toBe('Weekly (new)')
  })

  it('a file that is not iCalendar is reported, not thrown', async () => {
    const { db, actions } = store()
    const summary = await importIcs(db, actions, accountId, calendarUrl, 'this is not a calendar')
    expect(summary.added).toBe(0)
    expect(summary.skipped[0]?.what).toBe('the file')
  })

  it('exports every event of a calendar into one file, each time zone once', async () => {
    const { db, actions } = store()
    await importIcs(db, actions, accountId, calendarUrl, FILE)
    const text = await exportIcs(db, accountId, calendarUrl, 'Work')
    expect(text.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1)
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(3)
    expect(text).toContain('X-WR-CALNAME:Work')
    expect(text).toContain('RECURRENCE-ID;TZID=Custom/Office:20260112T090000')
    // and it imports back as the same events
    const copy = store()
    expect((await importIcs(copy.db, copy.actions, accountId, calendarUrl, text)).added).toBe(2)
  })
})
