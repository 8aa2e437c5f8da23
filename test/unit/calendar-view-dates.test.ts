import { addMonths, busyDates, monthWeeks, offsetString, startOfWeek, stepDate, todayIn, viewTitle, weekdayNames } from '../../src-renderer/calendar/view-dates'

describe('calendar view dates', () => {
  it('steps a day, a week, a month (clamped to its last day) or the agenda’s two weeks', () => {
    expect(stepDate('2026-01-31', 'day', 1)).toBe('2026-02-01')
    expect(stepDate('2026-03-25', 'week', 1)).toBe('2026-04-01')
    expect(stepDate('2026-03-25', 'workweek', -1)).toBe('2026-03-18')
    expect(stepDate('2026-01-31', 'month', 1)).toBe('2026-02-28')
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29')
    expect(stepDate('2026-12-20', 'agenda', 1)).toBe('2027-01-03')
  })

  it('the week starts on the user’s day', () => {
    expect(startOfWeek('2026-11-26', 1)).toBe('2026-11-23') // Monday
    expect(startOfWeek('2026-11-26', 0)).toBe('2026-11-22') // Sunday
    expect(startOfWeek('2026-11-26', 6)).toBe('2026-11-21') // Saturday
    expect(weekdayNames(1, 'short', 'en-GB')[0]).toBe('Mon')
    const weeks = monthWeeks('2026-11-26', 1)
    expect(weeks).toHaveLength(6)
    expect(weeks[0]![0]).toBe('2026-10-26')
    expect(weeks.flat()).toContain('2026-11-30')
  })

  it('titles name what the view shows', () => {
    expect(viewTitle('2026-11-26', 'month', 1, 'en-GB')).toBe('November 2026')
    expect(viewTitle('2026-11-26', 'day', 1, 'en-GB')).toBe('Thursday, 26 November 2026')
    expect(viewTitle('2026-11-26', 'week', 1, 'en-GB')).toMatch(/^23\s?–\s?29 Nov 2026$/)
    expect(viewTitle('2026-11-26', 'workweek', 1, 'en-GB')).toMatch(/^23\s?–\s?27 Nov 2026$/)
  })

  it('today and the clock offset are those of the user’s zone, not the machine’s', () => {
    const instant = Date.UTC(2026, 10, 26, 23, 30)
    expect(todayIn('Asia/Tokyo', instant)).toBe('2026-11-27')
    expect(todayIn('America/Los_Angeles', instant)).toBe('2026-11-26')
    expect(offsetString('Asia/Kolkata', instant)).toBe('+05:30')
    expect(offsetString('America/New_York', instant)).toBe('-05:00')
  })

  it('marks every day an event touches in the mini month', () => {
    const day = (d: number, h: number) => Date.UTC(2026, 10, d, h)
    expect([...busyDates([{ start: day(2, 10), end: day(4, 9) }, { start: day(10, 23), end: day(10, 23) }], day(1, 0), day(30, 0), 'UTC')].sort()).toEqual(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-10'])
  })
})
