import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import type { AccountId } from '../../src-main/common/domain/account'
import type { Client } from '../../src-renderer/rpc/client'
import { CalendarActions } from '../../src-renderer/store/calendar/calendar-actions'
import { CalendarDatabase } from '../../src-renderer/store/calendar/calendar-database'
import { CalendarTaskQueue } from '../../src-renderer/store/calendar/calendar-tasks'
import { eventRow } from '../../src-renderer/store/calendar/event-row'
import { ReminderScheduler, type Reminder } from '../../src-renderer/store/calendar/reminders'

const accountId = 'account-one' as AccountId
const calendarUrl = 'https://dav.example.test/cal/work/'
const stamp = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '')

function event(summary: string, start: number, trigger: string): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//t//EN',
    'BEGIN:VEVENT',
    `UID:${randomUUID()}`,
    'DTSTAMP:20260101T000000Z',
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(start + 3_600_000)}`,
    `SUMMARY:${summary}`,
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `TRIGGER:${trigger}`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}

async function setup(readOnly = false) {
  const db = new CalendarDatabase(`reminders-${randomUUID()}`)
  await db.calendars.put({ accountId, url: calendarUrl, name: 'Work', color: null, description: null, readOnly, components: ['VEVENT'], syncCollection: true, order: null, owner: null, visible: 1, cursor: null, syncedAt: null, syncError: null })
  const actions = new CalendarActions(db, new CalendarTaskQueue(db, {} as Client))
  const notified: Reminder[] = []
  let now = Date.now()
  const scheduler = new ReminderScheduler(db, actions, { now: () => now, zone: () => 'UTC', notify: (r) => (notified.push(r), true) })
  const add = (summary: string, start: number, trigger: string) => db.events.put(eventRow(accountId, calendarUrl, `${calendarUrl}${randomUUID()}.ics`, '"1"', event(summary, start, trigger)))
  return { db, scheduler, notified, add, setNow: (t: number) => (now = t), now: () => now }
}

describe('reminders (VALARM)', () => {
  it('a reminder due while Quire was closed shows as missed and notifies once, across restarts', async () => {
    const { db, scheduler, notified, add, now } = await setup()
    await add('Dentist', now() - 3_600_000, '-PT15M')
    await scheduler.start()
    expect(scheduler.active.map((r) => [r.title, r.missed, r.notified])).toEqual([['Dentist', true, true]])
    expect(notified).toHaveLength(1)
    await scheduler.replan()
    scheduler.stop()
    // a new scheduler on the same store: the app started again
    const again = new ReminderScheduler(db, new CalendarActions(db, new CalendarTaskQueue(db, {} as Client)), { now, zone: () => 'UTC', notify: (r) => (notified.push(r), true) })
    await again.start()
    expect(again.active.map((r) => [r.title, r.missed])).toEqual([['Dentist', true]])
    expect(notified).toHaveLength(1)
    again.stop()
  })

  it('fires at its time, not before; snooze brings it back later; dismiss writes ACKNOWLEDGED through a task', async () => {
    const { db, scheduler, notified, add, setNow, now } = await setup()
    const start = Math.ceil(now() / 1000) * 1000 + 60_000
    await add('Stand-up', start, 'PT0S')
    await scheduler.start()
    expect(scheduler.active).toEqual([])
    setNow(start - 1000)
    await scheduler.replan()
    expect(scheduler.active).toEqual([])
    setNow(start + 10)
    await scheduler.replan()
    expect(scheduler.active.map((r) => [r.title, r.missed])).toEqual([['Stand-up', false]])
    expect(notified.map((r) => r.title)).toEqual(['Stand-up'])

    const [reminder] = scheduler.active
    await scheduler.snooze(reminder!.key, 5)
    expect(scheduler.active).toEqual([])
    setNow(start + 5 * 60_000 + 20)
    await scheduler.replan()
    expect(scheduler.active.map((r) => r.title)).toEqual(['Stand-up'])
    expect(notified).toHaveLength(2)

    await scheduler.dismiss(reminder!.key)
    expect(scheduler.active).toEqual([])
    const row = await db.events.filter((r) => r.summary === 'Stand-up').first()
    expect(row?.data).toMatch(/ACKNOWLEDGED:\d{8}T\d{6}Z/)
    expect(row?.pending).toBe(1)
    expect(await db.tasks.count()).toBe(1)
    // acknowledged on the server: no device shows it again
    await scheduler.replan()
    expect(scheduler.active).toEqual([])
    scheduler.stop()
  })

  it('in a read-only calendar dismissing stays on this device', async () => {
    const { db, scheduler, add, now } = await setup(true)
    await add('Shared meeting', now() - 60_000, 'PT0S')
    await scheduler.start()
    await scheduler.dismiss(scheduler.active[0]!.key)
    expect(await db.tasks.count()).toBe(0)
    await scheduler.replan()
    expect(scheduler.active).toEqual([])
    scheduler.stop()
  })
})
