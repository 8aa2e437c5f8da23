import ICAL from 'ical.js'
import { applyAttendees, attendeesOf, organizerOf, type Attendee, type Organizer } from './attendees'
import { alarmsOf, occurrenceEvent, parseObject, type Occurrence, type ParsedObject } from './ical-object'
import { dateString, instantOf, parseWall, wallAt, wallMs, wallOf, wallString, type WallTime } from './time-zones'
import { vtimezoneFor } from './vtimezone'

type IcalComponent = InstanceType<typeof ICAL.Component>
type IcalTime = InstanceType<typeof ICAL.Time>

/** Which instances of a recurring event an edit or a delete applies to. */
export type Scope = 'this' | 'following' | 'all'

export type Weekday = 'SU' | 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA'
export const WEEKDAYS: Weekday[] = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']

export interface RecurrenceDraft {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY'
  interval: number
  /** WEEKLY: on these days */
  weekdays: Weekday[]
  /** MONTHLY: on the start's day of the month, its nth weekday ("2nd Tuesday") or its last weekday */
  monthly: 'day' | 'nth' | 'last'
  end: { kind: 'never' } | { kind: 'count'; count: number } | { kind: 'until'; date: string }
  /** the rule as it was, when it has parts this editor does not show; written back unless the user changes the rule */
  custom: string | null
}

/** An event as the editor shows it. Times are wall-clock in their own zones. */
export interface EventDraft {
  summary: string
  location: string
  description: string
  allDay: boolean
  /** "2026-03-27T10:00" in `startZone`, or "2026-03-27" when all-day */
  start: string
  /** "2026-03-27T11:00" in `endZone`, or the last day (inclusive) when all-day */
  end: string
  /** IANA zone; null: floating (the same wall-clock time everywhere) */
  startZone: string | null
  endZone: string | null
  recurrence: RecurrenceDraft | null
  /** minutes before the start */
  reminders: number[]
  /** who sends the invitations (RFC 5546); null for an event without attendees */
  organizer: Organizer | null
  /** the people (and rooms) invited; empty for a plain event */
  attendees: Attendee[]
}

const DAY = 86_400_000
const PRODID = '-//Quire//Quire Calendar//EN'

function utcStamp(now: number): IcalTime {
  return ICAL.Time.fromJSDate(new Date(Math.floor(now / 1000) * 1000), true)
}

function wallTime(wall: WallTime, isDate: boolean, utc = false): IcalTime {
  return ICAL.Time.fromData(
    { year: wall.year, month: wall.month, day: wall.day, hour: isDate ? 0 : wall.hour, minute: isDate ? 0 : wall.minute, second: isDate ? 0 : wall.second, isDate },
    utc ? ICAL.Timezone.utcTimezone : undefined,
  )
}

function timeWall(time: IcalTime): WallTime {
  return { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second }
}

/** Parses an iCalendar basic-format value: "20260327", "20260327T100000", "20260327T100000Z". */
export function parseIcalValue(value: string): { wall: WallTime; isDate: boolean; utc: boolean } {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(value)
  if (!m) throw new Error(`Not an iCalendar date or time: ${value}`)
  return {
    wall: { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) },
    isDate: m[4] === undefined,
    utc: m[7] === 'Z',
  }
}

/** Sets a DATE or DATE-TIME property (with its TZID and the VTIMEZONE RFC 5545 wants for it). */
function setTime(component: IcalComponent, name: string, wall: WallTime, isDate: boolean, zone: string | null): void {
  const utc = !isDate && zone === 'UTC'
  const property = component.updatePropertyWithValue(name, wallTime(wall, isDate, utc))
  property.removeParameter('tzid')
  if (!isDate && zone && zone !== 'UTC') {
    property.setParameter('tzid', zone)
    ensureVtimezone(component.parent ?? component, zone, wall.year)
  }
}

function ensureVtimezone(calendar: IcalComponent, zone: string, year: number): void {
  if (calendar.name !== 'vcalendar') return
  if (calendar.getAllSubcomponents('vtimezone').some((tz) => tz.getFirstPropertyValue('tzid') === zone)) return
  calendar.addSubcomponent(vtimezoneFor(zone, year - 1, year + 10))
}

/** The TZID of a DATE-TIME property; 'UTC' for a UTC value; null for floating and dates. */
function zoneOfProperty(component: IcalComponent, name: string): string | null {
  const property = component.getFirstProperty(name)
  if (!property) return null
  const tzid = property.getParameter('tzid')
  if (typeof tzid === 'string') return tzid
  const value = property.getFirstValue() as IcalTime | null
  return value && !value.isDate && value.zone === ICAL.Timezone.utcTimezone ? 'UTC' : null
}

/** Reads a rule into the editor's terms; `custom` keeps one it cannot show. */
export function recurrenceDraftOf(rule: InstanceType<typeof ICAL.Recur>, start: WallTime): RecurrenceDraft {
  const freq = rule.freq
  const parts = rule.parts as Record<string, unknown[]>
  const byDay = ((parts.BYDAY ?? []) as string[]).map(String)
  const known = Object.entries(parts).every(([name, values]) => !values?.length || name === 'BYDAY' || (name === 'BYMONTHDAY' && freq === 'MONTHLY'))
  const simple = (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY' || freq === 'YEARLY') && known
  const startWeekday = WEEKDAYS[new Date(wallMs(start)).getUTCDay()]!
  let monthly: RecurrenceDraft['monthly'] = 'day'
  if (freq === 'MONTHLY' && byDay.length === 1) monthly = byDay[0]!.startsWith('-1') ? 'last' : 'nth'
  const end: RecurrenceDraft['end'] = rule.count
    ? { kind: 'count', count: rule.count }
    : rule.until
      ? { kind: 'until', date: dateString(timeWall(rule.until)) }
      : { kind: 'never' }
  const weekdays = freq === 'WEEKLY' ? (byDay.filter((d) => WEEKDAYS.includes(d as Weekday)) as Weekday[]) : []
  const fitsEditor = simple && (freq !== 'WEEKLY' || weekdays.length === byDay.length) && (freq !== 'MONTHLY' || byDay.length <= 1) && (freq === 'MONTHLY' || freq === 'WEEKLY' || byDay.length === 0)
  return {
    freq: freq as RecurrenceDraft['freq'],
    interval: rule.interval || 1,
    weekdays: weekdays.length ? weekdays : [startWeekday],
    monthly,
    end,
    custom: fitsEditor ? null : rule.toString(),
  }
}

function ruleOf(draft: RecurrenceDraft, start: WallTime, allDay: boolean, zone: string | null): InstanceType<typeof ICAL.Recur> {
  if (draft.custom) return ICAL.Recur.fromString(draft.custom)
  const data: Record<string, unknown> = { freq: draft.freq }
  if (draft.interval > 1) data.interval = draft.interval
  const weekday = WEEKDAYS[new Date(wallMs(start)).getUTCDay()]!
  if (draft.freq === 'WEEKLY') data.byday = draft.weekdays.length ? [...new Set(draft.weekdays)] : [weekday]
  if (draft.freq === 'MONTHLY' && draft.monthly === 'nth') data.byday = [`${Math.ceil(start.day / 7)}${weekday}`]
  if (draft.freq === 'MONTHLY' && draft.monthly === 'last') data.byday = [`-1${weekday}`]
  if (draft.end.kind === 'count') data.count = Math.max(1, Math.floor(draft.end.count))
  if (draft.end.kind === 'until') data.until = untilFor(parseWall(draft.end.date), allDay, zone)
  return ICAL.Recur.fromData(data as Parameters<typeof ICAL.Recur.fromData>[0])
}

/** UNTIL for "until this date, inclusive": a DATE for all-day events, else the day's end, in UTC when zoned (RFC 5545 §3.3.10). */
function untilFor(date: WallTime, allDay: boolean, zone: string | null): IcalTime {
  if (allDay) return wallTime(date, true)
  const endOfDay = { ...date, hour: 23, minute: 59, second: 59 }
  if (!zone) return wallTime(endOfDay, false)
  return wallTime(wallOf(zone === 'UTC' ? wallMs(endOfDay) : instantOf(zone, endOfDay)), false, true)
}

function minutesBefore(component: IcalComponent): number[] {
  const out: number[] = []
  for (const alarm of component.getAllSubcomponents('valarm')) {
    const trigger = alarm.getFirstProperty('trigger')
    const value = trigger?.getFirstValue()
    if (value instanceof ICAL.Duration && String(trigger?.getParameter('related') ?? 'START').toUpperCase() === 'START') out.push(Math.round(-value.toSeconds() / 60))
  }
  return out
}

/** The editor's view of an occurrence: the instance itself for "this", the series otherwise. */
export function draftOf(object: ParsedObject, occurrence: Occurrence | null, scope: Scope): EventDraft {
  const event = scope === 'this' && occurrence ? occurrenceEvent(object, occurrence.recurrenceId) : object.master ?? object.overrides[0]!
  if (!event) throw new Error('The event has no VEVENT.')
  const component = event.component
  const allDay = event.startDate.isDate
  const startZone = allDay ? null : zoneOfProperty(component, 'dtstart')
  const endZone = allDay ? null : (zoneOfProperty(component, 'dtend') ?? startZone)
  // an occurrence of the series starts where the occurrence is, not where the series began
  let startWall = timeWall(event.startDate)
  let endWall = timeWall(event.endDate)
  if (occurrence?.recurrenceId && event === object.master) {
    const { wall } = parseIcalValue(occurrence.recurrenceId.replace(/Z$/, ''))
    const id = parseIcalValue(occurrence.recurrenceId)
    const shift = (id.utc && startZone && startZone !== 'UTC' ? wallMs(wallAt(startZone, wallMs(wall))) : wallMs(wall)) - wallMs(startWall)
    startWall = wallOf(wallMs(startWall) + shift)
    endWall = wallOf(wallMs(endWall) + shift)
  }
  if (allDay) endWall = wallOf(Math.max(wallMs(startWall), wallMs(endWall) - DAY))
  const rule = object.master?.component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
  return {
    summary: event.summary ?? '',
    location: event.location ?? '',
    description: event.description ?? '',
    allDay,
    start: allDay ? dateString(startWall) : wallString(startWall).slice(0, 16),
    end: allDay ? dateString(endWall) : wallString(endWall).slice(0, 16),
    startZone,
    endZone,
    recurrence: scope !== 'this' && rule ? recurrenceDraftOf(rule, timeWall(object.master!.startDate)) : null,
    reminders: minutesBefore(component),
    organizer: organizerOf(component),
    attendees: attendeesOf(component),
  }
}

/** A new, empty draft from `start` to `end` (wall-clock in `zone`). */
export function newDraft(start: string, end: string, zone: string | null, allDay = false): EventDraft {
  return { summary: '', location: '', description: '', allDay, start, end, startZone: allDay ? null : zone, endZone: allDay ? null : zone, recurrence: null, reminders: [], organizer: null, attendees: [] }
}

/** Writes the draft's fields and times into a VEVENT, leaving every property it does not know alone. */
function applyFields(component: IcalComponent, draft: EventDraft, now: number, withRule: boolean): void {
  const text = (name: string, value: string) => {
    if (value.trim()) component.updatePropertyWithValue(name, value)
    else component.removeAllProperties(name)
  }
  const oldLocation = String(component.getFirstPropertyValue('location') ?? '')
  text('summary', draft.summary)
  text('location', draft.location)
  text('description', draft.description)
  const start = parseWall(draft.start)
  let end = parseWall(draft.end)
  if (draft.allDay) end = wallOf(wallMs(end) + DAY) // DTEND of an all-day event is exclusive
  const startZone = draft.allDay ? null : draft.startZone
  const endZone = draft.allDay ? null : (draft.endZone ?? draft.startZone)
  const oldStart = component.getFirstPropertyValue('dtstart') as IcalTime | null
  const oldEnd = (component.getFirstPropertyValue('dtend') as IcalTime | null)?.toICALString() ?? null
  setTime(component, 'dtstart', start, draft.allDay, startZone)
  component.removeAllProperties('duration')
  setTime(component, 'dtend', endAfterStart(start, startZone, end, endZone, draft.allDay), draft.allDay, endZone)
  if (withRule) {
    component.removeAllProperties('rrule')
    if (draft.recurrence) component.addPropertyWithValue('rrule', ruleOf(draft.recurrence, start, draft.allDay, startZone))
  }
  const moved = !oldStart || oldStart.toICALString() !== (component.getFirstPropertyValue('dtstart') as IcalTime).toICALString()
  // RFC 5546 §2.1.4: an organised event always carries SEQUENCE, so attendees can tell an update from an old copy
  const organised = draft.attendees.length > 0 && draft.organizer !== null
  const resized = organised && oldEnd !== (component.getFirstPropertyValue('dtend') as IcalTime | null)?.toICALString()
  touch(component, now, moved || resized || (organised && oldLocation !== draft.location.trim()))
  if (organised && !component.hasProperty('sequence')) component.addPropertyWithValue('sequence', 0)
  applyReminders(component, draft.reminders)
  applyAttendees(component, draft.organizer, draft.attendees)
}

/** An end before the start is a slip of the pen: keep the event at least as long as zero. */
function endAfterStart(start: WallTime, startZone: string | null, end: WallTime, endZone: string | null, allDay: boolean): WallTime {
  if (allDay) return wallMs(end) > wallMs(start) ? end : wallOf(wallMs(start) + DAY)
  const a = startZone && startZone !== 'UTC' ? instantOf(startZone, start) : wallMs(start)
  const b = endZone && endZone !== 'UTC' ? instantOf(endZone, end) : wallMs(end)
  if (b >= a) return end
  return endZone && endZone !== 'UTC' ? wallAt(endZone, a) : wallOf(a)
}

/** DTSTAMP and LAST-MODIFIED now; SEQUENCE up when the time changed (RFC 5546 §2.1.4). */
function touch(component: IcalComponent, now: number, significant: boolean): void {
  component.updatePropertyWithValue('dtstamp', utcStamp(now))
  component.updatePropertyWithValue('last-modified', utcStamp(now))
  if (significant && component.hasProperty('sequence')) component.updatePropertyWithValue('sequence', Number(component.getFirstPropertyValue('sequence') ?? 0) + 1)
}

/** Keeps the alarms that still match a reminder (and every alarm of another kind); adds what is new. */
function applyReminders(component: IcalComponent, reminders: number[]): void {
  const wanted = new Set(reminders)
  for (const alarm of component.getAllSubcomponents('valarm')) {
    const trigger = alarm.getFirstProperty('trigger')
    const value = trigger?.getFirstValue()
    const relativeToStart = value instanceof ICAL.Duration && String(trigger?.getParameter('related') ?? 'START').toUpperCase() === 'START'
    if (!relativeToStart) continue
    const minutes = Math.round(-(value as InstanceType<typeof ICAL.Duration>).toSeconds() / 60)
    if (wanted.has(minutes)) wanted.delete(minutes)
    else component.removeSubcomponent(alarm)
  }
  for (const minutes of wanted) {
    const alarm = new ICAL.Component('valarm')
    alarm.addPropertyWithValue('action', 'DISPLAY')
    alarm.addPropertyWithValue('description', String(component.getFirstPropertyValue('summary') ?? 'Reminder'))
    alarm.addPropertyWithValue('trigger', ICAL.Duration.fromSeconds(-minutes * 60))
    component.addSubcomponent(alarm)
  }
}

function newCalendar(): IcalComponent {
  const calendar = new ICAL.Component('vcalendar')
  calendar.addPropertyWithValue('version', '2.0')
  calendar.addPropertyWithValue('prodid', PRODID)
  return calendar
}

/** A new calendar object resource holding one event. */
export function createObjectData(uid: string, draft: EventDraft, now: number): string {
  const calendar = newCalendar()
  const vevent = new ICAL.Component('vevent')
  calendar.addSubcomponent(vevent)
  vevent.addPropertyWithValue('uid', uid)
  vevent.addPropertyWithValue('created', utcStamp(now))
  applyFields(vevent, draft, now, true)
  return calendar.toString()
}

function cloneComponent(component: IcalComponent): IcalComponent {
  return new ICAL.Component(JSON.parse(JSON.stringify(component.toJSON())))
}

/** The RECURRENCE-ID property value for an instance, in the master's DTSTART form. */
function recurrenceIdTime(recurrenceId: string): { time: IcalTime; utc: boolean } {
  const id = parseIcalValue(recurrenceId)
  return { time: wallTime(id.wall, id.isDate, id.utc), utc: id.utc }
}

function findOverride(calendar: IcalComponent, uid: string, recurrenceId: string): IcalComponent | undefined {
  return calendar
    .getAllSubcomponents('vevent')
    .find((v) => String(v.getFirstPropertyValue('uid')) === uid && (v.getFirstPropertyValue('recurrence-id') as IcalTime | null)?.toICALString() === recurrenceId)
}

function masterOf(calendar: IcalComponent, uid: string): IcalComponent | undefined {
  return calendar.getAllSubcomponents('vevent').find((v) => String(v.getFirstPropertyValue('uid')) === uid && !v.hasProperty('recurrence-id'))
}

/** The override for one instance, made from the master when there is none yet (RFC 5545 §3.8.4.4). */
export function overrideFor(calendar: IcalComponent, master: IcalComponent, uid: string, recurrenceId: string): IcalComponent {
  const existing = findOverride(calendar, uid, recurrenceId)
  if (existing) return existing
  const override = cloneComponent(master)
  for (const name of ['rrule', 'rdate', 'exdate', 'exrule']) override.removeAllProperties(name)
  const { time } = recurrenceIdTime(recurrenceId)
  const property = override.addPropertyWithValue('recurrence-id', time)
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid')
  if (typeof tzid === 'string' && !time.isDate && time.zone !== ICAL.Timezone.utcTimezone) property.setParameter('tzid', tzid)
  // the instance starts where the occurrence was
  const start = master.getFirstPropertyValue('dtstart') as IcalTime
  const end = master.getFirstPropertyValue('dtend') as IcalTime | null
  const length = end ? end.subtractDate(start) : null
  const instanceStart = time.clone()
  if (typeof tzid === 'string' && time.zone !== ICAL.Timezone.utcTimezone) override.getFirstProperty('dtstart')!.setValue(instanceStart)
  else override.updatePropertyWithValue('dtstart', instanceStart)
  if (length && end) {
    const instanceEnd = instanceStart.clone()
    instanceEnd.addDuration(length)
    override.getFirstProperty('dtend')!.setValue(instanceEnd)
  }
  calendar.addSubcomponent(override)
  return override
}

export interface EditResult {
  /** the edited object; null when nothing of it is left (delete the resource) */
  data: string | null
  /** "this and following" of a series makes a new series: a new object with its own UID */
  created?: { uid: string; data: string }
}

/**
 * Applies the editor's draft to an occurrence: "this" writes (or updates) the instance's override,
 * "all" edits the master (moving exceptions along when the time moves), "following" ends the
 * series before the occurrence (UNTIL) and starts a new one with the draft.
 */
export function updateEvent(raw: string, occurrence: Occurrence | null, draft: EventDraft, scope: Scope, now: number, newUid: () => string): EditResult {
  const object = parseObject(raw)
  const calendar = object.calendar
  const master = masterOf(calendar, object.uid)
  const recurrenceId = occurrence?.recurrenceId ?? null
  if (!recurrenceId || !master || !object.master?.isRecurring()) {
    // a single event, or an instance of which we hold only the override
    const target = (recurrenceId && findOverride(calendar, object.uid, recurrenceId)) || master
    if (!target) throw new Error('The event to edit is not in this object.')
    applyFields(target, draft, now, target === master)
    return { data: calendar.toString() }
  }
  if (scope === 'this') {
    const override = overrideFor(calendar, master, object.uid, recurrenceId)
    applyFields(override, { ...draft, recurrence: null }, now, false)
    return { data: calendar.toString() }
  }
  const first = (master.getFirstPropertyValue('dtstart') as IcalTime).toICALString()
  if (scope === 'all' || recurrenceId === first) {
    const before = draftOf(object, occurrence, 'all')
    const shift = wallShift(before, draft)
    applyFields(master, withSeriesStart(draft, master, shift), now, true)
    if (shift !== 0) shiftExceptions(calendar, object.uid, master, shift)
    return { data: calendar.toString() }
  }
  // this and following: the old series stops before this instance, a new one starts here
  const before = draftOf(object, occurrence, 'all')
  const uid = newUid()
  const created = splitSeries(calendar, object, master, recurrenceId, uid)
  const createdMaster = masterOf(created, uid)!
  // an unchanged rule keeps what splitSeries made of it (COUNT reduced); a whole-day move shifts its weekdays
  const ruleUnchanged = JSON.stringify(before.recurrence) === JSON.stringify(draft.recurrence)
  const shift = wallShift(before, draft)
  const dayMove = ruleUnchanged && draft.recurrence && shift !== 0 && shift % DAY === 0 && draft.recurrence.freq === 'WEEKLY' && !draft.recurrence.custom
  applyFields(createdMaster, draft, now, !ruleUnchanged)
  if (dayMove) shiftRuleWeekdays(createdMaster, shift / DAY)
  return { data: calendar.toString(), created: { uid, data: created.toString() } }
}

/** How far the editor moved the start on the wall clock (ms), to move the series by the same. */
function wallShift(before: EventDraft, after: EventDraft): number {
  if (before.allDay !== after.allDay) return 0
  return wallMs(parseWall(after.start)) - wallMs(parseWall(before.start))
}

/** The draft of an occurrence moved back to the series' first instance. */
function withSeriesStart(draft: EventDraft, master: IcalComponent, shift: number): EventDraft {
  const start = master.getFirstPropertyValue('dtstart') as IcalTime
  const startWall = wallMs(timeWall(start)) + shift
  const length = wallMs(parseWall(draft.end)) - wallMs(parseWall(draft.start))
  const format = (ms: number) => (draft.allDay ? dateString(wallOf(ms)) : wallString(wallOf(ms)).slice(0, 16))
  const recurrence = draft.recurrence && shift % DAY === 0 && shift !== 0 ? shiftWeekdays(draft.recurrence, shift / DAY) : draft.recurrence
  return { ...draft, start: format(startWall), end: format(startWall + length), recurrence }
}

function shiftWeekdays(recurrence: RecurrenceDraft, days: number): RecurrenceDraft {
  if (recurrence.custom || recurrence.freq !== 'WEEKLY') return recurrence
  const moved = recurrence.weekdays.map((d) => WEEKDAYS[(((WEEKDAYS.indexOf(d) + days) % 7) + 7) % 7]!)
  return { ...recurrence, weekdays: moved }
}

/** Shifts a WEEKLY rule's plain BYDAY weekdays in place (keeping COUNT, UNTIL and the rest). */
function shiftRuleWeekdays(component: IcalComponent, days: number): void {
  const rule = component.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
  const byDay = (rule?.parts as Record<string, string[]> | undefined)?.BYDAY
  if (!rule || !byDay?.every((d) => WEEKDAYS.includes(d as Weekday))) return
  const moved = rule.clone()
  ;(moved.parts as Record<string, string[]>).BYDAY = byDay.map((d) => WEEKDAYS[(((WEEKDAYS.indexOf(d as Weekday) + days) % 7) + 7) % 7]!)
  component.updatePropertyWithValue('rrule', moved)
}

/** Moves EXDATEs and RECURRENCE-IDs by the same wall-clock amount as the series, so they stay attached. */
function shiftExceptions(calendar: IcalComponent, uid: string, master: IcalComponent, shift: number): void {
  const move = (time: IcalTime): IcalTime => {
    const moved = time.clone()
    moved.addDuration(ICAL.Duration.fromSeconds(shift / 1000))
    return moved
  }
  for (const property of master.getAllProperties('exdate')) {
    const values = property.getValues().map((v) => move(v as IcalTime))
    property.setValues(values)
  }
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    if (String(vevent.getFirstPropertyValue('uid')) !== uid || !vevent.hasProperty('recurrence-id')) continue
    const property = vevent.getFirstProperty('recurrence-id')!
    property.setValue(move(property.getFirstValue() as IcalTime))
  }
}

/**
 * Ends the series before `recurrenceId` and returns a new VCALENDAR with the rest under `uid`: the
 * master's copy starting at that instance (COUNT reduced by what already happened), the later
 * EXDATEs and overrides moved over.
 */
function splitSeries(calendar: IcalComponent, object: ParsedObject, master: IcalComponent, recurrenceId: string, uid: string): IcalComponent {
  const id = parseIcalValue(recurrenceId)
  const splitWall = wallMs(id.wall)
  const isDate = id.isDate
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid')
  const zone = typeof tzid === 'string' ? tzid : id.utc ? 'UTC' : null
  const atOrAfter = (time: IcalTime) => wallMs(timeWall(time)) >= splitWall

  const created = newCalendar()
  for (const tz of calendar.getAllSubcomponents('vtimezone')) created.addSubcomponent(cloneComponent(tz))
  const next = cloneComponent(master)
  next.updatePropertyWithValue('uid', uid)
  next.removeAllProperties('recurrence-id')
  const rule = master.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
  if (rule?.count && object.master) {
    // COUNT counts from the first instance: the new series gets what the old one had left
    let before = 0
    const iterator = object.master.iterator()
    for (let n = iterator.next(); n && wallMs(timeWall(n)) < splitWall && before < rule.count; n = iterator.next()) before++
    const rest = rule.clone()
    rest.count = Math.max(1, rule.count - before)
    next.updatePropertyWithValue('rrule', rest)
  }
  // DTSTART of the new series is the split instance, at the series' time of day
  const start = master.getFirstPropertyValue('dtstart') as IcalTime
  const end = master.getFirstPropertyValue('dtend') as IcalTime | null
  const length = end ? end.subtractDate(start) : null
  const newStart = wallTime(id.wall, isDate, id.utc)
  next.getFirstProperty('dtstart')!.setValue(newStart)
  if (length && next.getFirstProperty('dtend')) {
    const newEnd = newStart.clone()
    newEnd.addDuration(length)
    next.getFirstProperty('dtend')!.setValue(newEnd)
  }
  for (const property of next.getAllProperties('exdate')) {
    const kept = property.getValues().filter((v) => atOrAfter(v as IcalTime))
    if (kept.length) property.setValues(kept)
    else next.removeProperty(property)
  }
  for (const property of next.getAllProperties('rdate')) {
    const kept = property.getValues().filter((v) => v instanceof ICAL.Time && atOrAfter(v))
    if (kept.length) property.setValues(kept)
    else next.removeProperty(property)
  }
  created.addSubcomponent(next)

  // the old series ends just before the split instance
  if (rule) {
    const ended = rule.clone()
    delete (ended as unknown as { count?: number }).count
    ended.until = isDate ? wallTime(wallOf(splitWall - DAY), true) : wallTime(wallOf((zone && zone !== 'UTC' ? instantOf(zone, splitWall) : splitWall) - 1000), false, Boolean(zone))
    master.updatePropertyWithValue('rrule', ended)
  }
  for (const property of master.getAllProperties('exdate')) {
    const kept = property.getValues().filter((v) => !atOrAfter(v as IcalTime))
    if (kept.length) property.setValues(kept)
    else master.removeProperty(property)
  }
  for (const property of master.getAllProperties('rdate')) {
    const kept = property.getValues().filter((v) => !(v instanceof ICAL.Time) || !atOrAfter(v))
    if (kept.length) property.setValues(kept)
    else master.removeProperty(property)
  }
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    if (String(vevent.getFirstPropertyValue('uid')) !== object.uid || !vevent.hasProperty('recurrence-id')) continue
    if (!atOrAfter(vevent.getFirstPropertyValue('recurrence-id') as IcalTime)) continue
    calendar.removeSubcomponent(vevent)
    vevent.updatePropertyWithValue('uid', uid)
    created.addSubcomponent(vevent)
  }
  return created
}

/**
 * Deletes an occurrence: "this" adds an EXDATE (and drops its override), "following" ends the
 * series before it, "all" (or the only instance) deletes the whole object.
 */
export function deleteEvent(raw: string, occurrence: Occurrence, scope: Scope, now: number): EditResult {
  const object = parseObject(raw)
  const calendar = object.calendar
  const master = masterOf(calendar, object.uid)
  const recurrenceId = occurrence.recurrenceId
  if (!recurrenceId || scope === 'all') return { data: null }
  if (!master) {
    const override = findOverride(calendar, object.uid, recurrenceId)
    if (override) calendar.removeSubcomponent(override)
    return { data: calendar.getAllSubcomponents('vevent').length ? calendar.toString() : null }
  }
  const first = (master.getFirstPropertyValue('dtstart') as IcalTime).toICALString()
  if (scope === 'following' && recurrenceId === first) return { data: null }
  if (scope === 'following') {
    splitSeries(calendar, object, master, recurrenceId, 'discarded')
    touch(master, now, true)
    return { data: calendar.toString() }
  }
  const override = findOverride(calendar, object.uid, recurrenceId)
  if (override) calendar.removeSubcomponent(override)
  const { time } = recurrenceIdTime(recurrenceId)
  const property = master.addPropertyWithValue('exdate', time)
  const tzid = master.getFirstProperty('dtstart')?.getParameter('tzid')
  if (typeof tzid === 'string' && !time.isDate && time.zone !== ICAL.Timezone.utcTimezone) property.setParameter('tzid', tzid)
  touch(master, now, true)
  return { data: calendar.toString() }
}

/**
 * Moves (or resizes) an occurrence to a new start and end given on the display zone's wall clock,
 * keeping the event's own zone: drag and drop in the views.
 */
export function moveEvent(raw: string, occurrence: Occurrence, start: string, end: string, allDay: boolean, displayZone: string, scope: Scope, now: number, newUid: () => string): EditResult {
  const object = parseObject(raw)
  const current = draftOf(object, occurrence, scope === 'this' ? 'this' : 'all')
  const zone = current.startZone
  const toEventWall = (display: string, isDate: boolean) => {
    if (isDate) return display.slice(0, 10)
    const instant = instantOf(displayZone, parseWall(display))
    const wall = zone && zone !== 'UTC' ? wallAt(zone, instant) : zone === 'UTC' ? wallOf(instant) : parseWall(display)
    return wallString(wall).slice(0, 16)
  }
  const draft: EventDraft = {
    ...current,
    allDay,
    start: toEventWall(start, allDay),
    // all-day drafts carry the last day inclusive
    end: allDay ? dateString(wallOf(wallMs(parseWall(end.slice(0, 10))) - DAY)) : toEventWall(end, false),
    startZone: allDay ? null : (zone ?? (current.allDay ? displayZone : null)),
    endZone: allDay ? null : (current.endZone ?? zone ?? (current.allDay ? displayZone : null)),
  }
  if (scope !== 'this') {
    // the occurrence's draft, not the series': the shift is what the user dragged
    const occurrenceDraft = draftOf(object, occurrence, 'all')
    return updateEvent(raw, occurrence, { ...draft, recurrence: occurrenceDraft.recurrence }, scope, now, newUid)
  }
  return updateEvent(raw, occurrence, draft, scope, now, newUid)
}

/** RFC 9074: dismissing an alarm writes ACKNOWLEDGED (UTC) on it; for a series, on the master's alarm. */
export function acknowledgeAlarm(raw: string, recurrenceId: string | null, index: number, at: number): string {
  const object = parseObject(raw)
  const event = occurrenceEvent(object, recurrenceId)
  const alarm = event?.component.getAllSubcomponents('valarm')[index]
  if (!alarm) return raw
  alarm.removeAllProperties('acknowledged')
  // ical.js does not know the property; written as text it reads as RFC 9074's UTC DATE-TIME
  alarm.addPropertyWithValue('acknowledged', utcStamp(at).toICALString())
  return object.calendar.toString()
}

/** Reminders of an occurrence that are due and not yet acknowledged on the server. */
export function pendingAlarms(object: ParsedObject, occurrence: Occurrence): ReturnType<typeof alarmsOf> {
  return alarmsOf(object, occurrence).filter((a) => a.acknowledged === null || a.acknowledged < a.at)
}

/** "Every 2 weeks on Monday, Wednesday, 10 times": the rule in words. */
export function describeRecurrence(recurrence: RecurrenceDraft | null, start?: string): string {
  if (!recurrence) return 'Does not repeat'
  if (recurrence.custom) return `Custom: ${recurrence.custom}`
  const unit = { DAILY: 'day', WEEKLY: 'week', MONTHLY: 'month', YEARLY: 'year' }[recurrence.freq]
  const names: Record<Weekday, string> = { SU: 'Sunday', MO: 'Monday', TU: 'Tuesday', WE: 'Wednesday', TH: 'Thursday', FR: 'Friday', SA: 'Saturday' }
  let text = recurrence.interval > 1 ? `Every ${recurrence.interval} ${unit}s` : `Every ${unit}`
  if (recurrence.freq === 'WEEKLY' && recurrence.weekdays.length) text += ` on ${WEEKDAYS.filter((d) => recurrence.weekdays.includes(d)).map((d) => names[d]).join(', ')}`
  if (recurrence.freq === 'MONTHLY' && start && recurrence.monthly !== 'day') {
    const wall = parseWall(start)
    const weekday = names[WEEKDAYS[new Date(wallMs(wall)).getUTCDay()]!]
    const ordinal = ['first', 'second', 'third', 'fourth', 'fifth'][Math.ceil(wall.day / 7) - 1]
    text += recurrence.monthly === 'last' ? ` on the last ${weekday}` : ` on the ${ordinal} ${weekday}`
  } else if (recurrence.freq === 'MONTHLY' && start) text += ` on day ${parseWall(start).day}`
  if (recurrence.end.kind === 'count') text += `, ${recurrence.end.count} times`
  if (recurrence.end.kind === 'until') text += `, until ${recurrence.end.date}`
  return text
}
