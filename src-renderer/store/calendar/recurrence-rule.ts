import type ICAL from 'ical.js'

type IcalRecur = InstanceType<typeof ICAL.Recur>

/**
 * RRULE expansion (RFC 5545 §3.3.10) on plain day numbers, for the rules people actually make —
 * DAILY, WEEKLY, MONTHLY and YEARLY with INTERVAL, COUNT, UNTIL, BYDAY (with nth-weekday ordinals
 * for MONTHLY and YEARLY), BYMONTHDAY, BYMONTH and WKST. It is an order of magnitude faster than
 * ical.js's general iterator, which stays in charge of everything else (BYSETPOS, BYWEEKNO,
 * BYYEARDAY, BYHOUR…, sub-daily frequencies); test/unit/calendar-recurrence-rule.test.ts checks
 * that the two agree.
 */
export interface FastRule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY'
  interval: number
  count: number | null
  /** the last wall-clock time (in the event's zone, as "wall as UTC" ms) an occurrence may have */
  untilWall: number | null
  byDay: { n: number; weekday: number }[]
  byMonthDay: number[]
  byMonth: number[]
  /** 0 = Sunday … 6 = Saturday */
  weekStart: number
}

const DAY = 86_400_000
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']
const SUPPORTED_PARTS = new Set(['BYDAY', 'BYMONTHDAY', 'BYMONTH'])
const MAX_PERIODS = 200_000

/**
 * The rule in fast form, or null when only the general iterator can expand it. `untilWall` turns
 * UNTIL into the event's wall clock (the caller knows the event's zone).
 */
export function fastRule(recur: IcalRecur, untilWall: (until: NonNullable<IcalRecur['until']>) => number): FastRule | null {
  const freq = recur.freq
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') return null
  const parts = recur.parts as Record<string, unknown[]>
  for (const [name, values] of Object.entries(parts)) if (values?.length && !SUPPORTED_PARTS.has(name)) return null
  const byDay: FastRule['byDay'] = []
  for (const value of (parts.BYDAY ?? []) as string[]) {
    const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(String(value).toUpperCase())
    if (!m) return null
    byDay.push({ n: m[1] ? Number(m[1]) : 0, weekday: WEEKDAYS.indexOf(m[2]!) })
  }
  const byMonthDay = ((parts.BYMONTHDAY ?? []) as number[]).map(Number)
  const byMonth = ((parts.BYMONTH ?? []) as number[]).map(Number)
  const ordinals = byDay.some((d) => d.n !== 0)
  // ordinals mean something only for MONTHLY and YEARLY, and are ambiguous next to BYMONTHDAY
  if (ordinals && (freq === 'DAILY' || freq === 'WEEKLY' || byMonthDay.length > 0)) return null
  if (freq === 'WEEKLY' && byMonthDay.length > 0) return null
  // ical.js reads BYMONTHDAY in a YEARLY rule without BYMONTH as DTSTART's month only (RFC 5545
  // says every month); leave that to it, so an event never looks different depending on the path
  if (freq === 'YEARLY' && byMonthDay.length > 0 && byMonth.length === 0) return null
  // likewise ical.js does not apply BYMONTH to the first week of a WEEKLY or DAILY rule
  if ((freq === 'WEEKLY' || freq === 'DAILY') && byMonth.length > 0) return null
  if (byMonthDay.some((d) => d === 0 || d < -31 || d > 31) || byMonth.some((m) => m < 1 || m > 12)) return null
  // ical.js numbers weekdays from Sunday = 1
  const wkst = typeof recur.wkst === 'number' ? (recur.wkst + 6) % 7 : 1
  return {
    freq,
    interval: Math.max(1, recur.interval || 1),
    count: recur.count ?? null,
    untilWall: recur.until ? untilWall(recur.until) : null,
    byDay,
    byMonthDay,
    byMonth,
    weekStart: wkst,
  }
}

const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
const dayNumber = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

function monthDays(year: number, month: number, rule: FastRule, startDayOfMonth: number): number[] {
  const dim = daysInMonth(year, month)
  let days: number[] | null = null
  if (rule.byMonthDay.length > 0) {
    days = rule.byMonthDay.map((d) => (d > 0 ? d : dim + d + 1)).filter((d) => d >= 1 && d <= dim)
  }
  if (rule.byDay.length > 0) {
    const first = dayNumber(year, month, 1)
    const matching: number[] = []
    for (const { n, weekday } of rule.byDay) {
      const firstMatch = 1 + ((weekday - weekdayOf(first) + 7) % 7)
      const all: number[] = []
      for (let d = firstMatch; d <= dim; d += 7) all.push(d)
      if (n === 0) matching.push(...all)
      else {
        const picked = n > 0 ? all[n - 1] : all[all.length + n]
        if (picked !== undefined) matching.push(picked)
      }
    }
    days = days ? days.filter((d) => matching.includes(d)) : matching
  }
  if (days === null) days = startDayOfMonth <= dim ? [startDayOfMonth] : []
  return [...new Set(days)].sort((a, b) => a - b).map((d) => dayNumber(year, month, d))
}

function yearDays(year: number, rule: FastRule, startMonth: number, startDayOfMonth: number): number[] {
  if (rule.byMonth.length > 0 || rule.byMonthDay.length > 0) {
    const months = rule.byMonth.length > 0 ? [...rule.byMonth].sort((a, b) => a - b) : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    return months.flatMap((m) => monthDays(year, m, rule, startDayOfMonth))
  }
  if (rule.byDay.length > 0) {
    // BYDAY alone in a YEARLY rule: weekdays of the whole year, ordinals counted in the year
    const first = dayNumber(year, 1, 1)
    const last = dayNumber(year, 12, 31)
    const days: number[] = []
    for (const { n, weekday } of rule.byDay) {
      const all: number[] = []
      for (let d = first + ((weekday - weekdayOf(first) + 7) % 7); d <= last; d += 7) all.push(d)
      if (n === 0) days.push(...all)
      else {
        const picked = n > 0 ? all[n - 1] : all[all.length + n]
        if (picked !== undefined) days.push(picked)
      }
    }
    return [...new Set(days)].sort((a, b) => a - b)
  }
  return startDayOfMonth <= daysInMonth(year, startMonth) ? [dayNumber(year, startMonth, startDayOfMonth)] : []
}

/**
 * The wall-clock times ("wall as UTC" ms) of every occurrence from DTSTART while they are before
 * `limitWall`, honouring COUNT and UNTIL. A DTSTART the rule does not produce is left out, as
 * ical.js (and so Thunderbird) does: RFC 5545 §3.8.5.3 leaves such a recurrence set undefined.
 */
export function expandRule(rule: FastRule, startWall: number, limitWall: number): number[] {
  const out: number[] = []
  const startDay = Math.floor(startWall / DAY)
  const timeOfDay = startWall - startDay * DAY
  const start = new Date(startWall)
  const startYear = start.getUTCFullYear()
  const startMonth = start.getUTCMonth() + 1
  const startDayOfMonth = start.getUTCDate()
  const count = rule.count ?? Infinity
  const until = rule.untilWall ?? Infinity
  if (startWall > until) return []
  const monthOk = (day: number) => rule.byMonth.length === 0 || rule.byMonth.includes(new Date(day * DAY).getUTCMonth() + 1)
  const emit = (days: number[]): boolean => {
    for (const day of days) {
      const wall = day * DAY + timeOfDay
      if (wall < startWall) continue
      if (wall > until || wall >= limitWall || out.length >= count) return false
      out.push(wall)
    }
    return true
  }
  for (let period = 0; period < MAX_PERIODS && out.length < count; period++) {
    let days: number[]
    switch (rule.freq) {
      case 'DAILY': {
        const day = startDay + period * rule.interval
        const date = new Date(day * DAY)
        const dom = date.getUTCDate()
        const dim = daysInMonth(date.getUTCFullYear(), date.getUTCMonth() + 1)
        const ok =
          monthOk(day) &&
          (rule.byMonthDay.length === 0 || rule.byMonthDay.some((d) => (d > 0 ? d : dim + d + 1) === dom)) &&
          (rule.byDay.length === 0 || rule.byDay.some((d) => d.weekday === weekdayOf(day)))
        days = ok ? [day] : []
        if (day * DAY + timeOfDay >= limitWall || day * DAY > until) return out
        break
      }
      case 'WEEKLY': {
        const weekStart = startDay - ((weekdayOf(startDay) - rule.weekStart + 7) % 7) + period * 7 * rule.interval
        const weekdays = rule.byDay.length > 0 ? rule.byDay.map((d) => d.weekday) : [weekdayOf(startDay)]
        days = [...new Set(weekdays.map((w) => weekStart + ((w - rule.weekStart + 7) % 7)))].sort((a, b) => a - b).filter(monthOk)
        if (weekStart * DAY >= limitWall || weekStart * DAY > until) return out
        break
      }
      case 'MONTHLY': {
        const index = startYear * 12 + (startMonth - 1) + period * rule.interval
        const year = Math.floor(index / 12)
        const month = (index % 12) + 1
        if (dayNumber(year, month, 1) * DAY >= limitWall || dayNumber(year, month, 1) * DAY > until) return out
        days = rule.byMonth.length > 0 && !rule.byMonth.includes(month) ? [] : monthDays(year, month, rule, startDayOfMonth)
        break
      }
      case 'YEARLY': {
        const year = startYear + period * rule.interval
        if (dayNumber(year, 1, 1) * DAY >= limitWall || dayNumber(year, 1, 1) * DAY > until) return out
        days = yearDays(year, rule, startMonth, startDayOfMonth)
        break
      }
    }
    if (!emit(days)) return out
  }
  return out
}
