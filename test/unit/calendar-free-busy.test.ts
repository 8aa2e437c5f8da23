import type { FreeBusyAnswer } from '../../src-main/common/domain/free-busy'
import { invitee } from '../../src-renderer/store/calendar/attendees'
import type { CalendarRow } from '../../src-renderer/store/calendar/calendar-database'
import { calendarUrlsOf, myBusy, nextFreeSlot, requiredBusy, scheduleRows, sourceText } from '../../src-renderer/store/calendar/free-busy'
import type { ViewOccurrence } from '../../src-renderer/store/calendar/occurrence-query'

const at = (iso: string) => Date.parse(iso)
const HOUR = 3_600_000
const hours = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }

describe('next time everyone is free', () => {
  // 2031-01-15 is a Wednesday
  it('finds the first slot within working hours that nobody required is busy in', () => {
    const busy = [
      { start: at('2031-01-15T09:00:00Z'), end: at('2031-01-15T10:00:00Z'), type: 'BUSY' as const },
      { start: at('2031-01-15T10:00:00Z'), end: at('2031-01-15T11:10:00Z'), type: 'BUSY-TENTATIVE' as const },
    ]
    expect(nextFreeSlot({ from: at('2031-01-15T08:00:00Z'), duration: HOUR, busy, hours, zone: 'UTC' })).toEqual({
      start: at('2031-01-15T11:15:00Z'),
      end: at('2031-01-15T12:15:00Z'),
    })
  })

  it('skips a gap too short for the meeting, the end of the working day and the weekend', () => {
    const busy = [
      { start: at('2031-01-17T09:00:00Z'), end: at('2031-01-17T16:30:00Z'), type: 'BUSY' as const },
      { start: at('2031-01-20T09:00:00Z'), end: at('2031-01-20T09:45:00Z'), type: 'BUSY' as const },
      { start: at('2031-01-20T10:15:00Z'), end: at('2031-01-20T12:00:00Z'), type: 'BUSY-UNAVAILABLE' as const },
    ]
    // Friday: only 30 minutes left; Saturday and Sunday are not working days; Monday 09:45–10:15 is too short
    expect(nextFreeSlot({ from: at('2031-01-17T09:00:00Z'), duration: HOUR, busy, hours, zone: 'UTC' })).toEqual({
      start: at('2031-01-20T12:00:00Z'),
      end: at('2031-01-20T13:00:00Z'),
    })
  })

  it('reads working hours in the user’s zone and starts on a quarter hour', () => {
    // Berlin is UTC+1 in January: 09:00 there is 08:00Z
    expect(nextFreeSlot({ from: at('2031-01-15T07:00:00Z'), duration: HOUR / 2, busy: [], hours, zone: 'Europe/Berlin' })).toEqual({
      start: at('2031-01-15T08:00:00Z'),
      end: at('2031-01-15T08:30:00Z'),
    })
    expect(nextFreeSlot({ from: at('2031-01-15T08:07:00Z'), duration: HOUR / 2, busy: [], hours, zone: 'Europe/Berlin' })!.start).toBe(at('2031-01-15T08:15:00Z'))
  })

  it('gives up when nothing fits', () => {
    const busy = [{ start: at('2031-01-01T00:00:00Z'), end: at('2032-01-01T00:00:00Z'), type: 'BUSY' as const }]
    expect(nextFreeSlot({ from: at('2031-01-15T08:00:00Z'), duration: HOUR, busy, hours, zone: 'UTC', days: 14 })).toBeNull()
    expect(nextFreeSlot({ from: at('2031-01-15T08:00:00Z'), duration: 9 * HOUR, busy: [], hours, zone: 'UTC' })).toBeNull()
  })
})

describe('scheduling rows', () => {
  const answer = (address: string, source: FreeBusyAnswer['source'], periods: FreeBusyAnswer['periods'] = []): FreeBusyAnswer => ({
    address,
    source,
    checkedAt: 0,
    periods,
    problem: source ? null : 'No free/busy information',
  })

  it('lists me, then attendees with where their times come from; optional ones do not count for "everyone"', () => {
    const alice = invitee('alice@example.test', 'Alice')
    const carol = invitee('carol@example.test', null, 'OPT-PARTICIPANT')
    const dave = invitee('dave@example.test')
    const aliceBusy = [{ start: 1, end: 2, type: 'BUSY' as const }]
    const carolBusy = [{ start: 3, end: 4, type: 'BUSY' as const }]
    const rows = scheduleRows({ label: 'You', periods: [{ start: 5, end: 6, type: 'BUSY' }] }, [alice, carol, dave], new Map([
      ['alice@example.test', answer('alice@example.test', 'schedule-outbox', aliceBusy)],
      ['carol@example.test', answer('carol@example.test', 'shared-calendar', carolBusy)],
      ['dave@example.test', answer('dave@example.test', null)],
    ]))
    expect(rows.map((r) => [r.label, r.optional, r.source, r.unknown])).toEqual([
      ['You', false, 'from your calendars', false],
      ['Alice', false, 'from server scheduling', false],
      ['carol@example.test', true, 'from carol’s shared calendar', false],
      ['dave@example.test', false, 'not available — no free/busy published', true],
    ])
    expect(requiredBusy(rows)).toEqual([{ start: 5, end: 6, type: 'BUSY' }, ...aliceBusy])
    expect(sourceText(undefined, 'x')).toBe('asking…')
  })

  it('takes my busy time from my occurrences, leaving out the event being edited, all-day and cancelled ones', () => {
    const occurrence = (uid: string, extra: Partial<ViewOccurrence> = {}) => ({ uid, start: 10, end: 20, allDay: false, status: null, ...extra }) as ViewOccurrence
    expect(
      myBusy([occurrence('a'), occurrence('edited'), occurrence('b', { allDay: true }), occurrence('c', { status: 'CANCELLED' }), occurrence('d', { status: 'TENTATIVE' })], 'edited'),
    ).toEqual([
      { start: 10, end: 20, type: 'BUSY' },
      { start: 10, end: 20, type: 'BUSY-TENTATIVE' },
    ])
  })

  it('finds a person’s calendars by their owner’s address in the same account', () => {
    const row = (url: string, accountId: string, owner: unknown) => ({ url, accountId, owner }) as unknown as CalendarRow
    const calendars = [
      row('https://dav/alice/shared/', 'acc', { name: 'Alice', address: 'mailto:Alice@Example.test', principalUrl: 'https://dav/alice/' }),
      row('https://dav/bob/calendar/', 'acc', null),
      row('https://other/alice/', 'other', { name: 'Alice', address: 'alice@example.test', principalUrl: 'x' }),
    ]
    expect(calendarUrlsOf('alice@example.test', 'acc', calendars)).toEqual(['https://dav/alice/shared/'])
    expect(calendarUrlsOf('carol@example.test', 'acc', calendars)).toEqual([])
  })
})
