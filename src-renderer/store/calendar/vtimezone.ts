import ICAL from 'ical.js'
import { wallOf, zoneOffset } from './time-zones'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * A VTIMEZONE (RFC 5545 §3.6.5) for an IANA zone, built from the browser's time zone database:
 * one observance per offset change from `fromYear` to `toYear`. RFC 5545 wants one for every TZID
 * an object uses; other clients mostly know the zone by name, but the definition must be there.
 */
export function vtimezoneFor(zone: string, fromYear: number, toYear: number): InstanceType<typeof ICAL.Component> {
  const component = new ICAL.Component('vtimezone')
  component.addPropertyWithValue('tzid', zone)
  const transitions: { at: number; from: number; to: number }[] = []
  let previous = zoneOffset(zone, Date.UTC(fromYear, 0, 1))
  for (let day = Date.UTC(fromYear, 0, 1); day < Date.UTC(toYear + 1, 0, 1); day += DAY) {
    const next = zoneOffset(zone, day + DAY)
    if (next === previous) continue
    // the change lies within this day: find the hour, then the minute
    let lo = day
    let hi = day + DAY
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 2 / 60_000) * 60_000
      if (zoneOffset(zone, mid) === previous) lo = mid
      else hi = mid
    }
    transitions.push({ at: hi, from: previous, to: next })
    previous = next
  }
  const offsets = new Set(transitions.flatMap((t) => [t.from, t.to]))
  const daylightAbove = offsets.size > 1 ? Math.min(...offsets) : Infinity
  if (transitions.length === 0) {
    component.addSubcomponent(observance('standard', Date.UTC(1970, 0, 1), previous, previous))
  } else {
    // the offset in force before the first change, from its start: readers need a base observance
    const first = transitions[0]!
    component.addSubcomponent(observance(first.from > daylightAbove ? 'daylight' : 'standard', Date.UTC(1970, 0, 1), first.from, first.from))
    for (const t of transitions) component.addSubcomponent(observance(t.to > daylightAbove ? 'daylight' : 'standard', t.at + t.from, t.from, t.to))
  }
  return component
}

function observance(kind: 'standard' | 'daylight', localStart: number, from: number, to: number) {
  const sub = new ICAL.Component(kind)
  const wall = wallOf(localStart)
  sub.addPropertyWithValue('dtstart', ICAL.Time.fromData({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute, second: 0, isDate: false }))
  sub.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(from / 1000))
  sub.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(to / 1000))
  return sub
}
