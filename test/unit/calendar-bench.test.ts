import { prepareCalendarBench } from '../../src-renderer/store/calendar/calendar-bench'

// The benchmark's own check: it expands what it claims to (the time is `npm run bench`'s to report).
it('the year-of-events benchmark expands 1,000 events, a third of them recurring, into one year', () => {
  const bench = prepareCalendarBench()
  expect(bench.objects).toHaveLength(1000)
  expect(bench.objects.filter((o) => o.master?.isRecurring())).toHaveLength(334)
  const occurrences = bench.expand()
  expect(occurrences.length).toBeGreaterThan(10_000)
  expect(occurrences.every((o) => o.start >= Date.UTC(2026, 11, 31) && o.start < Date.UTC(2028, 0, 1))).toBe(true)
})
