import ICAL from 'ical.js'
import type { BusyPeriod, BusyType } from '../../common/domain/free-busy'

type IcalTime = InstanceType<typeof ICAL.Time>

const TYPES: BusyType[] = ['BUSY', 'BUSY-TENTATIVE', 'BUSY-UNAVAILABLE']
/** when stretches of different kinds overlap, the stronger one is shown */
const STRENGTH: Record<BusyType, number> = { 'BUSY-TENTATIVE': 0, BUSY: 1, 'BUSY-UNAVAILABLE': 2 }

/**
 * The busy periods of every VFREEBUSY in an iCalendar text (RFC 5545 §3.6.4, §3.8.2.6), clipped
 * to [start, end). FBTYPE=FREE periods are dropped; an unknown FBTYPE counts as BUSY (§3.2.9).
 */
export function periodsOfVFreeBusy(text: string, start: number, end: number): BusyPeriod[] {
  const calendar = new ICAL.Component(ICAL.parse(text))
  const components = calendar.name === 'vfreebusy' ? [calendar] : calendar.getAllSubcomponents('vfreebusy')
  if (components.length === 0) throw new Error('The answer holds no VFREEBUSY.')
  const periods: BusyPeriod[] = []
  for (const component of components) {
    for (const property of component.getAllProperties('freebusy')) {
      const fbtype = String(property.getParameter('fbtype') ?? 'BUSY').toUpperCase()
      if (fbtype === 'FREE') continue
      const type = (TYPES as string[]).includes(fbtype) ? (fbtype as BusyType) : 'BUSY'
      for (const value of property.getValues()) {
        const period = value as InstanceType<typeof ICAL.Period>
        const from = utcInstant(period.start)
        const to = period.end ? utcInstant(period.end) : from + period.duration!.toSeconds() * 1000
        periods.push({ start: from, end: to, type })
      }
    }
  }
  return normalizedPeriods(periods, start, end)
}

/** RFC 5545 §3.8.2.6: FREEBUSY values are UTC; a value without Z is read as UTC all the same. */
function utcInstant(time: IcalTime): number {
  return Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second)
}

/**
 * Periods clipped to the window, sorted, overlapping ones of the same kind joined, and where kinds
 * overlap the stronger one kept (out of office over busy over tentative), so a grid draws each
 * moment once.
 */
export function normalizedPeriods(periods: BusyPeriod[], start: number, end: number): BusyPeriod[] {
  const clipped = periods
    .map((p) => ({ ...p, start: Math.max(p.start, start), end: Math.min(p.end, end) }))
    .filter((p) => p.end > p.start)
  const edges = [...new Set(clipped.flatMap((p) => [p.start, p.end]))].sort((a, b) => a - b)
  const out: BusyPeriod[] = []
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!
    const to = edges[i + 1]!
    let type: BusyType | null = null
    for (const p of clipped) {
      if (p.start <= from && p.end >= to && (type === null || STRENGTH[p.type] > STRENGTH[type])) type = p.type
    }
    if (type === null) continue
    const last = out.at(-1)
    if (last && last.end === from && last.type === type) last.end = to
    else out.push({ start: from, end: to, type })
  }
  return out
}
