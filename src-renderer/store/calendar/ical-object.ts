import ICAL from 'ical.js'
import { expandRule, fastRule, type FastRule } from './recurrence-rule'
import { dateString, instantOf, isKnownZone, wallAt, wallOf, wallString, zoneOffset, type WallTime } from './time-zones'

type IcalTime = InstanceType<typeof ICAL.Time>
type IcalEvent = InstanceType<typeof ICAL.Event>
type IcalComponent = InstanceType<typeof ICAL.Component>

/**
 * One calendar object resource (RFC 4791 §4.1) parsed: a VCALENDAR holding one UID — the master
 * VEVENT (which may recur) and the overridden instances that share its UID (RECURRENCE-ID).
 */
export interface ParsedObject {
  calendar: IcalComponent
  uid: string
  /** null when the resource holds only overridden instances (an invitation to some occurrences) */
  master: IcalEvent | null
  overrides: IcalEvent[]
  /** the TZID of the master's DTSTART; null for UTC, floating and all-day events */
  tzid: string | null
}

export interface AlarmTrigger {
  /** position of the VALARM in its VEVENT */
  index: number
  at: number
  action: string
  description: string
  /** RFC 9074 ACKNOWLEDGED: every trigger up to this instant was dismissed */
  acknowledged: number | null
}

/** One occurrence of an event, ready to show. Times are instants; wall strings are in the display zone. */
export interface Occurrence {
  uid: string
  /** the RECURRENCE-ID naming this instance ("20260327T100000", "20260327T090000Z", "20260327"); null: not recurring */
  recurrenceId: string | null
  start: number
  end: number
  /** all-day: start and end (exclusive) are midnights in the display zone; `occurrenceWalls` gives the dates */
  allDay: boolean
  summary: string
  location: string
  description: string
  recurring: boolean
  /** an overridden instance (its own VEVENT with RECURRENCE-ID) */
  exception: boolean
  timeZone: string | null
  status: string | null
}

export interface ExpandWindow {
  from: number
  to: number
  /** the user's zone: floating times and dates are read in it */
  zone: string
  /** expand with ical.js's general iterator even where the fast one applies (tests compare the two) */
  general?: boolean
}

const MAX_ITERATIONS = 50_000
const HOUR = 3_600_000
const DAY = 24 * HOUR

export function parseObject(raw: string): ParsedObject {
  const calendar = new ICAL.Component(ICAL.parse(raw))
  const vevents = calendar.getAllSubcomponents('vevent')
  if (vevents.length === 0) throw new Error('The iCalendar object has no VEVENT.')
  const uid = String(vevents[0]!.getFirstPropertyValue('uid') ?? '')
  const mine = vevents.filter((v) => String(v.getFirstPropertyValue('uid') ?? '') === uid)
  const masterComponent = mine.find((v) => !v.hasProperty('recurrence-id'))
  const overrideComponents = mine.filter((v) => v.hasProperty('recurrence-id'))
  const master = masterComponent ? new ICAL.Event(masterComponent, { exceptions: overrideComponents }) : null
  const overrides = overrideComponents.map((c) => new ICAL.Event(c))
  const tzid = masterComponent?.getFirstProperty('dtstart')?.getParameter('tzid')
  return { calendar, uid, master, overrides, tzid: typeof tzid === 'string' ? tzid : null }
}

type ZoneKind =
  | { kind: 'utc' }
  /** an IANA zone the browser knows */
  | { kind: 'zone'; zone: string }
  /** a TZID only its embedded VTIMEZONE defines (RFC 5545 §3.6.5) */
  | { kind: 'embedded'; zone: InstanceType<typeof ICAL.Timezone> }
  /** floating time or a date: read in the user's zone */
  | { kind: 'floating' }

/**
 * How a time's wall clock becomes an instant. A TZID the browser knows is read with the browser's
 * time zone database, which is fresher than most embedded VTIMEZONEs (Thunderbird does the same);
 * an unknown one through its embedded VTIMEZONE; anything else is floating.
 */
function zoneKind(time: IcalTime, tzid: string | null): ZoneKind {
  if (time.isDate) return { kind: 'floating' }
  const zone = time.zone as (InstanceType<typeof ICAL.Timezone> & { component?: unknown }) | undefined
  if (zone === ICAL.Timezone.utcTimezone) return { kind: 'utc' }
  const name = tzid ?? (zone && zone !== ICAL.Timezone.localTimezone ? zone.tzid : null)
  if (name && isKnownZone(name)) return { kind: 'zone', zone: name }
  if (zone && zone !== ICAL.Timezone.localTimezone && zone.component) return { kind: 'embedded', zone }
  return { kind: 'floating' }
}

const wallMsOf = (time: IcalTime) => Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second)

function instantIn(zone: ZoneKind, wall: number, displayZone: string): number {
  switch (zone.kind) {
    case 'utc':
      return wall
    case 'zone':
      return instantOf(zone.zone, wall)
    case 'embedded': {
      const w = new Date(wall)
      const time = ICAL.Time.fromData(
        { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes(), second: w.getUTCSeconds(), isDate: false },
        zone.zone,
      )
      return time.toUnixTime() * 1000
    }
    case 'floating':
      return instantOf(displayZone, wall)
  }
}

function instant(time: IcalTime, tzid: string | null, displayZone: string): number {
  return instantIn(zoneKind(time, tzid), wallMsOf(time), displayZone)
}

function dateWall(time: IcalTime): WallTime {
  return { year: time.year, month: time.month, day: time.day, hour: 0, minute: 0, second: 0 }
}

/** The TZID of a property's value, if any. */
function tzidOf(component: IcalComponent, property: string): string | null {
  const value = component.getFirstProperty(property)?.getParameter('tzid')
  return typeof value === 'string' ? value : null
}

interface Instance {
  event: IcalEvent
  recurrenceId: string | null
  start: IcalTime
  end: IcalTime
  recurring: boolean
  exception: boolean
}

function occurrenceOf(instance: Instance, zone: string): Occurrence {
  const { event, start, end } = instance
  const component = event.component
  const allDay = start.isDate
  const tzid = tzidOf(component, 'dtstart')
  let startMs: number
  let endMs: number
  if (allDay) {
    const startDate = dateWall(start)
    // DTEND of an all-day event is exclusive; a missing or equal one means one day (RFC 5545 §3.6.1)
    let endDate = end.isDate ? dateWall(end) : startDate
    if (endDate.year * 10000 + endDate.month * 100 + endDate.day <= startDate.year * 10000 + startDate.month * 100 + startDate.day) {
      endDate = wallOf(Date.UTC(startDate.year, startDate.month - 1, startDate.day + 1))
    }
    startMs = instantOf(zone, startDate)
    endMs = instantOf(zone, endDate)
  } else {
    startMs = instant(start, tzid, zone)
    endMs = Math.max(startMs, instant(end, tzidOf(component, 'dtend') ?? tzid, zone))
  }
  const status = component.getFirstPropertyValue('status')
  return {
    uid: event.uid,
    recurrenceId: instance.recurrenceId,
    start: startMs,
    end: endMs,
    allDay,
    summary: event.summary ?? '',
    location: event.location ?? '',
    description: event.description ?? '',
    recurring: instance.recurring,
    exception: instance.exception,
    timeZone: allDay ? null : tzid,
    status: typeof status === 'string' ? status.toUpperCase() : null,
  }
}

/** End of an instance of `event` starting at `start`: its DTEND or DURATION, moved along. */
function endOf(event: IcalEvent, start: IcalTime): IcalTime {
  const end = start.clone()
  end.addDuration(event.duration)
  return end
}

/**
 * Every occurrence of the object overlapping [from, to): RRULE and RDATE expanded in the event's
 * own zone (so wall-clock times survive DST changes), EXDATEs left out, overridden instances
 * (RECURRENCE-ID) shown as they were changed, including ones moved into the window from outside.
 */
export function expandObject(object: ParsedObject, window: ExpandWindow): Occurrence[] {
  const { from, to, zone } = window
  const out: Occurrence[] = []
  const seen = new Set<string>()
  const overlaps = (o: Occurrence) => o.start < to && (o.end > from || (o.end === o.start && o.start >= from))
  const { master } = object
  if (master && !master.isRecurring()) {
    const o = occurrenceOf({ event: master, recurrenceId: null, start: master.startDate, end: master.endDate, recurring: false, exception: false }, zone)
    if (overlaps(o)) out.push(o)
    return out
  }
  const plan = master && !window.general ? fastPlan(object) : null
  if (master && plan) expandFast(object, master, plan, window, out, seen, overlaps)
  else if (master) {
    const hasExceptions = object.overrides.length > 0
    const iterator = master.iterator()
    const nominal = master.endDate.subtractDate(master.startDate)
    const until = utcUntil(master)
    const emitted = new Set<string>()
    const rdates = until === null ? null : new Set(master.component.getAllProperties('rdate').flatMap((p) => p.getValues().map((v) => (v instanceof ICAL.Time ? v.toICALString() : ''))))
    for (let i = 0; i < MAX_ITERATIONS; i++) {
      const next = iterator.next()
      if (!next) break
      const recurrenceId = next.toICALString()
      // ical.js repeats some instances of rules mixing plain and nth weekdays; an instance is one occurrence
      if (emitted.has(recurrenceId)) continue
      emitted.add(recurrenceId)
      // ical.js compares a UTC UNTIL with the wall-clock time; RFC 5545 §3.3.10 means the instant
      if (until !== null && !rdates?.has(recurrenceId) && instant(next, object.tzid, zone) > until) continue
      let instanceEvent = master
      let start = next
      let end: IcalTime
      let exception = false
      if (hasExceptions) {
        const details = master.getOccurrenceDetails(next)
        if (details.item !== master) {
          instanceEvent = details.item
          exception = true
          start = details.startDate
          end = details.endDate
          seen.add(details.item.recurrenceId.toICALString())
        } else {
          end = endOf(master, next)
        }
      } else {
        end = next.clone()
        end.addDuration(nominal)
      }
      const o = occurrenceOf(
        { event: instanceEvent, recurrenceId: exception ? instanceEvent.recurrenceId.toICALString() : recurrenceId, start, end, recurring: true, exception },
        zone,
      )
      if (overlaps(o)) out.push(o)
      // the walk ends by the original times; overrides moved in from later are picked up below
      const originalStart = exception ? instant(next, object.tzid, zone) : o.start
      if (originalStart >= to) break
    }
  }
  // overrides whose original time lies outside the walk (or that have no master) but which were moved into the window
  for (const override of object.overrides) {
    const id = override.recurrenceId.toICALString()
    if (seen.has(id)) continue
    if (master && isExcluded(master, override)) continue
    const o = occurrenceOf({ event: override, recurrenceId: id, start: override.startDate, end: override.endDate, recurring: true, exception: true }, zone)
    if (overlaps(o) && !out.some((x) => x.recurrenceId === id)) out.push(o)
  }
  return out.sort((a, b) => a.start - b.start)
}

/** What the fast path needs of a recurring master, computed once per parsed object. */
interface FastPlan {
  rule: FastRule
  zone: ZoneKind
  allDay: boolean
  startWall: number
  /** nominal length in wall-clock ms (RFC 5545 §3.3.6: a day is a calendar day) */
  length: number
  rdates: number[]
  exdates: Set<number>
  overridesById: Map<string, IcalEvent>
  info: { summary: string; location: string; description: string; status: string | null; tzid: string | null }
}

const plans = new WeakMap<ParsedObject, FastPlan | null>()

function fastPlan(object: ParsedObject): FastPlan | null {
  if (plans.has(object)) return plans.get(object)!
  const plan = makeFastPlan(object)
  plans.set(object, plan)
  return plan
}

function makeFastPlan(object: ParsedObject): FastPlan | null {
  const master = object.master
  if (!master) return null
  const component = master.component
  const rules = component.getAllProperties('rrule')
  if (rules.length > 1) return null
  const start = master.startDate
  const zone = zoneKind(start, object.tzid)
  if (zone.kind === 'embedded') return null
  const toEventWall = (t: IcalTime): number => {
    const wall = wallMsOf(t)
    if (t.isDate || t.zone !== ICAL.Timezone.utcTimezone || zone.kind === 'utc') return wall
    return zone.kind === 'zone' ? wall + zoneOffset(zone.zone, wall) : wall
  }
  let rule: FastRule | null = null
  if (rules.length === 1) {
    const recur = rules[0]!.getFirstValue() as InstanceType<typeof ICAL.Recur>
    rule = fastRule(recur, (until) => (until.isDate && !start.isDate ? wallMsOf(until) + DAY - 1000 : toEventWall(until)))
    if (!rule) return null
    // a DTSTART the rule does not produce makes the set undefined (RFC 5545 §3.8.5.3): ical.js decides
    if (expandRule(rule, wallMsOf(start), wallMsOf(start) + 1)[0] !== wallMsOf(start)) return null
  } else {
    // RDATE only: a rule that yields nothing but DTSTART
    rule = { freq: 'DAILY', interval: 1, count: 1, untilWall: null, byDay: [], byMonthDay: [], byMonth: [], weekStart: 1 }
  }
  const rdates: number[] = []
  for (const property of component.getAllProperties('rdate')) {
    for (const value of property.getValues()) {
      if (!(value instanceof ICAL.Time)) return null // RDATE;VALUE=PERIOD
      rdates.push(toEventWall(value))
    }
  }
  const exdates = new Set<number>()
  for (const property of component.getAllProperties('exdate')) for (const value of property.getValues()) if (value instanceof ICAL.Time) exdates.add(toEventWall(value))
  const startWall = wallMsOf(start)
  const endDate = master.endDate
  const length = Math.max(0, (start.isDate && !endDate.isDate ? startWall + DAY : wallMsOf(endDate)) - startWall) || (start.isDate ? DAY : 0)
  const status = component.getFirstPropertyValue('status')
  return {
    rule,
    zone,
    allDay: start.isDate,
    startWall,
    length,
    rdates,
    exdates,
    overridesById: new Map(object.overrides.map((o) => [o.recurrenceId.toICALString(), o])),
    info: {
      summary: master.summary ?? '',
      location: master.location ?? '',
      description: master.description ?? '',
      status: typeof status === 'string' ? status.toUpperCase() : null,
      tzid: start.isDate ? null : object.tzid,
    },
  }
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))

/** The RECURRENCE-ID value (RFC 5545 §3.8.4.4) naming the instance at this wall-clock time, in DTSTART's form. */
function recurrenceIdOf(wall: number, plan: FastPlan): string {
  const d = new Date(wall)
  const date = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`
  if (plan.allDay) return date
  return `${date}T${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}${plan.zone.kind === 'utc' ? 'Z' : ''}`
}

function expandFast(
  object: ParsedObject,
  master: IcalEvent,
  plan: FastPlan,
  window: ExpandWindow,
  out: Occurrence[],
  seen: Set<string>,
  overlaps: (o: Occurrence) => boolean,
): void {
  const { from, to, zone } = window
  // the window's end on the event's own wall clock, with a day to spare for zone differences
  const limitWall = (plan.zone.kind === 'zone' ? to + zoneOffset(plan.zone.zone, to) : plan.zone.kind === 'utc' ? to : to + zoneOffset(zone, to)) + 2 * DAY
  let walls = expandRule(plan.rule, plan.startWall, limitWall)
  if (plan.rdates.length > 0) walls = [...new Set([...walls, ...plan.rdates.filter((w) => w < limitWall)])].sort((a, b) => a - b)
  for (const wall of walls) {
    if (plan.exdates.has(wall)) continue
    const id = recurrenceIdOf(wall, plan)
    const override = plan.overridesById.get(id)
    if (override) {
      seen.add(id)
      const o = occurrenceOf({ event: override, recurrenceId: id, start: override.startDate, end: override.endDate, recurring: true, exception: true }, zone)
      if (overlaps(o)) out.push(o)
      continue
    }
    const start = instantIn(plan.zone, wall, zone)
    if (start >= to) break
    const endWallMs = wall + plan.length
    const end = Math.max(start, instantIn(plan.zone, endWallMs, zone))
    if (end <= from && !(end === start && start >= from)) continue
    out.push({
      uid: object.uid,
      recurrenceId: id,
      start,
      end,
      allDay: plan.allDay,
      summary: plan.info.summary,
      location: plan.info.location,
      description: plan.info.description,
      recurring: true,
      exception: false,
      timeZone: plan.info.tzid,
      status: plan.info.status,
    })
  }
  void master
}

/** The RRULE's UNTIL as an instant, when it is a UTC date-time (the form RFC 5545 requires with a TZID). */
function utcUntil(master: IcalEvent): number | null {
  const rule = master.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
  const until = rule?.until
  return until && !until.isDate && until.zone === ICAL.Timezone.utcTimezone ? wallMsOf(until) : null
}

function isExcluded(master: IcalEvent, override: IcalEvent): boolean {
  const id = override.recurrenceId.toICALString()
  return master.component.getAllProperties('exdate').some((p) => p.getValues().some((v) => (v as IcalTime).toICALString() === id))
}

/**
 * The instants between which all of the object's occurrences fall, for indexing: a recurrence
 * without COUNT or UNTIL runs for ever (Number.MAX_SAFE_INTEGER). Floating and all-day times could
 * be in any zone, so they widen the span by 14 hours either side.
 */
export function objectSpan(object: ParsedObject): { start: number; end: number } {
  const SLACK = 14 * HOUR
  let start = Infinity
  let end = -Infinity
  const widen = (e: IcalEvent, s: IcalTime, f: IcalTime) => {
    const floating = s.isDate || (s.zone === ICAL.Timezone.localTimezone && !(tzidOf(e.component, 'dtstart') && isKnownZone(tzidOf(e.component, 'dtstart')!)))
    const a = instant(s, tzidOf(e.component, 'dtstart'), 'UTC') - (floating ? SLACK : 0)
    const b = Math.max(a, instant(f, tzidOf(e.component, 'dtend') ?? tzidOf(e.component, 'dtstart'), 'UTC')) + (floating ? SLACK + DAY : 0)
    start = Math.min(start, a)
    end = Math.max(end, b)
  }
  const { master } = object
  if (master) {
    widen(master, master.startDate, master.endDate)
    if (master.isRecurring()) {
      const rule = master.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
      if (rule && !rule.isFinite()) end = Number.MAX_SAFE_INTEGER
      else {
        // finite: walk to the last occurrence (COUNT or UNTIL), capped
        const iterator = master.iterator()
        let last: IcalTime | null = null
        for (let i = 0; i < MAX_ITERATIONS; i++) {
          const next = iterator.next()
          if (!next) break
          last = next
        }
        if (last) widen(master, last, endOf(master, last))
        if (!last || rule?.isFinite() === false) end = Number.MAX_SAFE_INTEGER
      }
    }
  }
  for (const override of object.overrides) widen(override, override.startDate, override.endDate)
  if (!Number.isFinite(start)) start = 0
  if (!Number.isFinite(end)) end = Number.MAX_SAFE_INTEGER
  return { start, end }
}

/**
 * The reminders of one occurrence (RFC 5545 §3.6.6 VALARM): TRIGGER relative to its start (or end
 * with RELATED=END), or absolute. Only alarms that tell the user something count (DISPLAY, EMAIL,
 * AUDIO); the email is not sent by Quire — it is shown like the others.
 */
export function alarmsOf(object: ParsedObject, occurrence: Occurrence): AlarmTrigger[] {
  const event = occurrenceEvent(object, occurrence.recurrenceId)
  if (!event) return []
  const alarms: AlarmTrigger[] = []
  event.component.getAllSubcomponents('valarm').forEach((alarm, index) => {
    const action = String(alarm.getFirstPropertyValue('action') ?? 'DISPLAY').toUpperCase()
    if (!['DISPLAY', 'EMAIL', 'AUDIO'].includes(action)) return
    const trigger = alarm.getFirstProperty('trigger')
    if (!trigger) return
    const value = trigger.getFirstValue() as InstanceType<typeof ICAL.Duration> | IcalTime
    let at: number
    if (value instanceof ICAL.Duration) {
      const related = String(trigger.getParameter('related') ?? 'START').toUpperCase()
      at = (related === 'END' ? occurrence.end : occurrence.start) + value.toSeconds() * 1000
    } else {
      at = instant(value, null, 'UTC')
    }
    const acknowledged = utcStamp(alarm.getFirstPropertyValue('acknowledged'))
    const description = alarm.getFirstPropertyValue('description')
    alarms.push({
      index,
      at,
      action,
      description: typeof description === 'string' && description.trim() ? description : occurrence.summary,
      acknowledged,
    })
  })
  return alarms
}

/**
 * An occurrence's start and end on the display zone's wall clock: "2026-03-27T10:00:00", or the
 * dates "2026-03-27" / "2026-03-28" (end exclusive) for an all-day event. `zone` must be the zone
 * it was expanded in.
 */
export function occurrenceWalls(occurrence: Pick<Occurrence, 'start' | 'end' | 'allDay'>, zone: string): { start: string; end: string } {
  if (occurrence.allDay) return { start: dateString(wallAt(zone, occurrence.start)), end: dateString(wallAt(zone, occurrence.end)) }
  return { start: wallString(wallAt(zone, occurrence.start)), end: wallString(wallAt(zone, occurrence.end)) }
}

/** A UTC DATE-TIME value ical.js may not know the type of (RFC 9074's ACKNOWLEDGED comes as text). */
function utcStamp(value: unknown): number | null {
  if (value instanceof ICAL.Time) return value.toUnixTime() * 1000
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : null
}

/** The VEVENT that describes an occurrence: its override, else the master. */
export function occurrenceEvent(object: ParsedObject, recurrenceId: string | null): IcalEvent | null {
  if (recurrenceId) {
    const override = object.overrides.find((o) => o.recurrenceId.toICALString() === recurrenceId)
    if (override) return override
  }
  return object.master
}

export function hasAlarms(object: ParsedObject): boolean {
  return [object.master, ...object.overrides].some((e) => e && e.component.getFirstSubcomponent('valarm'))
}
