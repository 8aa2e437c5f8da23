import { calendarColor, DEFAULT_CALENDAR_COLOR } from '../../src-renderer/store/calendar/occurrence-query'

describe('calendar colours', () => {
  const alice = { name: null, address: 'alice@example.test', principalUrl: 'http://127.0.0.1/alice/' }
  it('keeps the server’s colour, and my own calendars without one get the default', () => {
    expect(calendarColor({ color: '#123456', owner: alice })).toBe('#123456')
    expect(calendarColor({ color: null, owner: null })).toBe(DEFAULT_CALENDAR_COLOR)
  })
  it('gives another person’s calendar without a colour one of its own, the same every time', () => {
    const colour = calendarColor({ color: null, owner: alice })
    expect(colour).not.toBe(DEFAULT_CALENDAR_COLOR)
    expect(calendarColor({ color: null, owner: { ...alice } })).toBe(colour)
  })
})
