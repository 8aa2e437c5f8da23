import ICAL from 'ical.js'
import type { BusyPeriod, BusyType } from '../../common/domain/free-busy'
import { normalizedPeriods } from './busy-periods'

type IcalTime = InstanceType<typeof ICAL.Time>
type IcalComponent = InstanceType<typeof ICAL.Component>
type IcalEvent = InstanceType<typeof ICAL.Event>

/** a series is walked at most this far: a rule that never reaches the window is given up on */
const MAX_OCCURRENCES = 20_000

/**
 * Busy periods in [start, end) computed from calendar objects (RFC 4791 calendar-data), the way a
 * server computes free/busy (RFC 4791 §7.10.1): every VEVENT occurrence counts unless it is
 * TRANSP:TRANSPARENT or STATUS:CANCELLED; STATUS:TENTATIVE is BUSY-TENTATIVE; Outlook's
 * X-MICROSOFT-CDO-BUSYSTATUS:OOF is out of office (BUSY-UNAVAILABLE). Floating times and dates are
 * read in `zone`. Objects that cannot be read are skipped and counted.
 */
export function busyFromEvents(objects: string[], start: number, end: number, zone: string): { periods: BusyPeriod[]; unreadable: number } {
  const periods: BusyPeriod[] = []
  let unreadable = 0
  for (const text of objects) {
    try {
      const calendar = new ICAL.Component(ICAL.parse(text))
      periods.push(...objectPeriods(calendar, start, end, zone))
    } catch {
      unreadable++
    }
  }
  return { periods: normalizedPeriods(periods, start, end), unreadable }
}

function objectPeriods(calendar: IcalComponent, start: number, end: number, zone: string): BusyPeriod[] {
  const vevents = calendar.getAllSubcomponents('vevent')
  const out: BusyPeriod[] = []
  const byUid = new Map<string, IcalComponent[]>()
  for (const vevent of vevents) {
    const uid = String(vevent.getFirstPropertyValue('uid') ?? '')
    byUid.set(uid, [...(byUid.get(uid) ?? []), vevent])
  }
  for (const components of byUid.values()) {
    const master = components.find((c) => !c.hasProperty('recurrence-id'))
    const overrides = components.filter((c) => c.hasProperty('recurrence-id'))
    if (!master) {
      // only some instances of a series (an invitation to them): each is an event of its own
      for (const override of overrides) push(out, new ICAL.Event(override), override, start, end, zone)
      continue
    }
    const event = new ICAL.Event(master, { exceptions: overrides })
    if (!event.isRecurring()) {
      push(out, event, master, start, end, zone)
      continue
    }
    const iterator = event.iterator()
    for (let i = 0; i < MAX_OCCURRENCES; i++) {
      const next = iterator.next()
      if (!next) break
      const details = event.getOccurrenceDetails(next)
      const from = instantOf(details.startDate, details.item.component, 'dtstart', zone)
      if (from >= end) break
      const to = endOf(details.startDate, details.endDate, details.item.component, zone, from)
      if (to > start) addBusy(out, details.item.component, from, to)
    }
  }
  return out
}

function push(out: BusyPeriod[], event: IcalEvent, component: IcalComponent, start: number, end: number, zone: string): void {
  const from = instantOf(event.startDate, component, 'dtstart', zone)
  const to = endOf(event.startDate, event.endDate, component, zone, from)
  if (from < end && to > start) addBusy(out, component, from, to)
}

function endOf(startDate: IcalTime, endDate: IcalTime | null, component: IcalComponent, zone: string, from: number): number {
  if (!endDate) return startDate.isDate ? from + 86_400_000 : from
  const prop = component.hasProperty('dtend') ? 'dtend' : 'dtstart'
  return instantOf(endDate, component, prop, zone)
}

function addBusy(out: BusyPeriod[], component: IcalComponent, from: number, to: number): void {
  const transp = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase()
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase()
  if (transp === 'TRANSPARENT' || status === 'CANCELLED' || to <= from) return
  const oof = String(component.getFirstPropertyValue('x-microsoft-cdo-busystatus') ?? '').toUpperCase() === 'OOF'
  const type: BusyType = oof ? 'BUSY-UNAVAILABLE' : status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY'
  out.push({ start: from, end: to, type })
}

/**
 * The instant of an event time: UTC, or in a zone the object defines (VTIMEZONE), through ical.js;
 * a TZID the object does not define is taken as an IANA name (RFC 7809), and floating times and
 * dates are read in `zone`.
 */
function instantOf(time: IcalTime, component: IcalComponent, property: string, zone: string): number {
  if (!time.isDate && time.zone && (time.zone === ICAL.Timezone.utcTimezone || (time.zone as { component?: unknown }).component)) {
    return time.toUnixTime() * 1000
  }
  const tzid = component.getFirstProperty(property)?.getParameter('tzid')
  return wallInstant(time, typeof tzid === 'string' && isZone(tzid) ? tzid : zone)
}

function isZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** A wall-clock time in an IANA zone as an instant (the offset found at that moment, twice to settle across a change). */
function wallInstant(time: IcalTime, zone: string): number {
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.isDate ? 0 : time.hour, time.isDate ? 0 : time.minute, time.isDate ? 0 : time.second)
  const first = wall - offsetAt(wall, zone)
  return wall - offsetAt(first, zone)
}

function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(instant)
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(instant / 1000) * 1000
}
