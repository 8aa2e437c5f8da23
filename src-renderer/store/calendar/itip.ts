import ICAL from 'ical.js'
import { addressOf, attendeesOf, calAddressOf, organizerOf, type Attendee, type Organizer, type ParticipationStatus } from './attendees'
import { deleteEvent, overrideFor, recurrenceDraftOf, describeRecurrence } from './event-edit'
import { expandObject, parseObject, type ParsedObject } from './ical-object'

type IcalComponent = InstanceType<typeof ICAL.Component>
type IcalTime = InstanceType<typeof ICAL.Time>

/** RFC 5546 §1.4 methods. Quire answers REQUEST, applies REPLY and CANCEL, and shows the rest as they are. */
export type ItipMethod = 'PUBLISH' | 'REQUEST' | 'REPLY' | 'ADD' | 'CANCEL' | 'REFRESH' | 'COUNTER' | 'DECLINECOUNTER'

/** What an iTIP message (or a calendar object) says about its event, for the invitation card. */
export interface ItipEvent {
  /** METHOD of the message; null for a calendar object resource (which never has one, RFC 4791 §4.1) */
  method: string | null
  uid: string
  sequence: number
  /** DTSTAMP (ms): when the organiser or the attendee made this message */
  dtstamp: number | null
  /** the instance this is about, when it is about one instance only */
  recurrenceId: string | null
  summary: string
  location: string
  description: string
  /** the (first) instance's start and end (ms) */
  start: number
  end: number
  allDay: boolean
  /** "Every week on Monday", null when it does not repeat */
  recurrence: string | null
  organizer: Organizer | null
  attendees: Attendee[]
  comment: string | null
  status: string | null
}

const PRODID = '-//Quire//Quire Calendar//EN'
const DAY = 86_400_000

function utcNow(now: number): IcalTime {
  return ICAL.Time.fromJSDate(new Date(Math.floor(now / 1000) * 1000), true)
}

function sequenceOf(component: IcalComponent): number {
  const value = Number(component.getFirstPropertyValue('sequence') ?? 0)
  return Number.isFinite(value) ? value : 0
}

function stampOf(component: IcalComponent): number | null {
  const value = component.getFirstPropertyValue('dtstamp') as IcalTime | null
  return value instanceof ICAL.Time ? value.toUnixTime() * 1000 : null
}

function clone(component: IcalComponent): IcalComponent {
  return new ICAL.Component(JSON.parse(JSON.stringify(component.toJSON())))
}

function recurrenceIdOf(component: IcalComponent): string | null {
  const value = component.getFirstPropertyValue('recurrence-id') as IcalTime | null
  return value instanceof ICAL.Time ? value.toICALString() : null
}

/** The VEVENTs of the message's (first) UID: master first, then instances. */
function veventsOf(calendar: IcalComponent): IcalComponent[] {
  const all = calendar.getAllSubcomponents('vevent')
  const uid = String(all[0]?.getFirstPropertyValue('uid') ?? '')
  return all.filter((v) => String(v.getFirstPropertyValue('uid') ?? '') === uid).sort((a, b) => Number(a.hasProperty('recurrence-id')) - Number(b.hasProperty('recurrence-id')))
}

/** The instants of an event's first instance (or of the one `recurrenceId` names), read in `zone` when floating. */
function spanOf(object: ParsedObject, component: IcalComponent, zone: string): { start: number; end: number; allDay: boolean } {
  const start = component.getFirstPropertyValue('dtstart') as IcalTime | null
  if (!start) return { start: 0, end: 0, allDay: false }
  // DTSTART's wall clock read as UTC lies within a day of the instant in any zone
  const wall = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute, start.second)
  const single: ParsedObject = component.hasProperty('recurrence-id') ? { ...object, master: null, overrides: object.overrides.filter((o) => o.component === component) } : object
  const first = expandObject(single, { from: wall - 2 * DAY, to: wall + 2 * DAY, zone })[0]
  return first ? { start: first.start, end: first.end, allDay: first.allDay } : { start: wall, end: wall, allDay: start.isDate }
}

/** Reads an iTIP message (RFC 5546) or a calendar object into what the card shows. Throws when there is no event. */
export function readItip(text: string, zone: string): ItipEvent {
  const object = parseObject(text)
  const method = object.calendar.getFirstPropertyValue('method')
  const main = veventsOf(object.calendar)[0]!
  const { start, end, allDay } = spanOf(object, main, zone)
  const rule = main.getFirstPropertyValue('rrule') as InstanceType<typeof ICAL.Recur> | null
  const dtstart = main.getFirstPropertyValue('dtstart') as IcalTime | null
  const comment = main.getFirstPropertyValue('comment')
  return {
    method: method ? String(method).toUpperCase() : null,
    uid: object.uid,
    sequence: sequenceOf(main),
    dtstamp: stampOf(main),
    recurrenceId: recurrenceIdOf(main),
    summary: String(main.getFirstPropertyValue('summary') ?? ''),
    location: String(main.getFirstPropertyValue('location') ?? ''),
    description: String(main.getFirstPropertyValue('description') ?? ''),
    start,
    end,
    allDay,
    recurrence:
      rule && dtstart
        ? describeRecurrence(recurrenceDraftOf(rule, { year: dtstart.year, month: dtstart.month, day: dtstart.day, hour: dtstart.hour, minute: dtstart.minute, second: dtstart.second }))
        : null,
    organizer: organizerOf(main),
    attendees: attendeesOf(main),
    comment: comment ? String(comment) : null,
    status: main.getFirstPropertyValue('status') ? String(main.getFirstPropertyValue('status')).toUpperCase() : null,
  }
}

function withMethod(calendar: IcalComponent, method: ItipMethod): IcalComponent {
  calendar.removeAllProperties('method')
  calendar.removeAllProperties('prodid')
  calendar.updatePropertyWithValue('prodid', PRODID)
  calendar.updatePropertyWithValue('version', '2.0')
  calendar.addPropertyWithValue('method', method)
  return calendar
}

/** Parameters only a CalDAV server's scheduling sets (RFC 6638 §7): not part of a message. */
function dropServerParameters(component: IcalComponent): void {
  for (const name of ['attendee', 'organizer']) {
    for (const property of component.getAllProperties(name)) {
      property.removeParameter('schedule-status')
      property.removeParameter('schedule-agent')
      property.removeParameter('schedule-force-send')
    }
  }
}

/**
 * RFC 5546 §3.2.2 REQUEST: the whole event (every instance of its UID) as the organiser has it, with
 * DTSTAMP now and a SEQUENCE. The organiser's reminders are theirs, not the attendees' (VALARMs dropped).
 */
export function buildRequest(objectData: string, now: number): string {
  const calendar = withMethod(new ICAL.Component(ICAL.parse(objectData)), 'REQUEST')
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    for (const alarm of vevent.getAllSubcomponents('valarm')) vevent.removeSubcomponent(alarm)
    vevent.updatePropertyWithValue('dtstamp', utcNow(now))
    if (!vevent.hasProperty('sequence')) vevent.addPropertyWithValue('sequence', 0)
    dropServerParameters(vevent)
  }
  return calendar.toString()
}

/**
 * RFC 5546 §3.2.5 CANCEL: for the whole event, or (with `attendees`) for the people removed from it.
 * `bump` raises SEQUENCE, as a cancellation of the event is a change of it (§2.1.4); a removed
 * attendee's cancel carries the sequence of the edit that removed them.
 */
export function buildCancel(objectData: string, now: number, options: { attendees?: string[]; bump?: boolean } = {}): string {
  const calendar = withMethod(new ICAL.Component(ICAL.parse(objectData)), 'CANCEL')
  const only = options.attendees ? new Set(options.attendees.map(addressOf)) : null
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    for (const alarm of vevent.getAllSubcomponents('valarm')) vevent.removeSubcomponent(alarm)
    vevent.updatePropertyWithValue('dtstamp', utcNow(now))
    vevent.updatePropertyWithValue('sequence', sequenceOf(vevent) + (options.bump ? 1 : 0))
    vevent.updatePropertyWithValue('status', 'CANCELLED')
    if (only) for (const attendee of vevent.getAllProperties('attendee')) if (!only.has(addressOf(String(attendee.getFirstValue() ?? '')))) vevent.removeProperty(attendee)
    dropServerParameters(vevent)
  }
  return calendar.toString()
}

/**
 * RFC 5546 §3.2.3 REPLY: only my ATTENDEE with my PARTSTAT (and an optional COMMENT), for the whole
 * event or for one instance (`recurrenceId`).
 */
export function buildReply(eventData: string, me: string, partstat: ParticipationStatus, now: number, options: { comment?: string; recurrenceId?: string | null; name?: string } = {}): string {
  const source = new ICAL.Component(ICAL.parse(eventData))
  const object = parseObject(eventData)
  const master = source.getAllSubcomponents('vevent').find((v) => String(v.getFirstPropertyValue('uid')) === object.uid && !v.hasProperty('recurrence-id'))
  let event: IcalComponent | undefined
  if (options.recurrenceId) {
    event = source.getAllSubcomponents('vevent').find((v) => recurrenceIdOf(v) === options.recurrenceId)
    if (!event && master) event = overrideFor(source, master, object.uid, options.recurrenceId)
  } else event = master ?? veventsOf(source)[0]
  if (!event) throw new Error('The invitation has no event to answer.')
  const address = addressOf(me)
  const mine = event.getAllProperties('attendee').find((p) => addressOf(String(p.getFirstValue() ?? '')) === address)
  const calendar = withMethod(new ICAL.Component('vcalendar'), 'REPLY')
  for (const tz of source.getAllSubcomponents('vtimezone')) calendar.addSubcomponent(clone(tz))
  const reply = new ICAL.Component('vevent')
  const copy = (name: string) => {
    const property = event.getFirstProperty(name)
    if (property) reply.addProperty(ICAL.Property.fromString(property.toICALString()))
  }
  copy('uid')
  copy('recurrence-id')
  reply.addPropertyWithValue('dtstamp', utcNow(now))
  reply.addPropertyWithValue('sequence', sequenceOf(event))
  for (const name of ['dtstart', 'dtend', 'duration', 'summary', 'organizer']) copy(name)
  const attendee = new ICAL.Property('attendee', reply)
  attendee.setValue(calAddressOf(address))
  const cn = mine?.getParameter('cn')
  // the organiser listed me by address only: my own name tells them who answered
  if (typeof cn === 'string') attendee.setParameter('cn', cn)
  else if (options.name?.trim()) attendee.setParameter('cn', options.name.trim())
  attendee.setParameter('partstat', partstat)
  reply.addProperty(attendee)
  if (options.comment?.trim()) reply.addPropertyWithValue('comment', options.comment.trim())
  dropServerParameters(reply)
  calendar.addSubcomponent(reply)
  return calendar.toString()
}

/** The calendar object resource an iTIP message describes: the same VCALENDAR without METHOD (RFC 4791 §4.1). */
export function objectOfMessage(text: string): string {
  const calendar = new ICAL.Component(ICAL.parse(text))
  calendar.removeAllProperties('method')
  return calendar.toString()
}

function findComponent(calendar: IcalComponent, uid: string, recurrenceId: string | null): IcalComponent | undefined {
  return calendar.getAllSubcomponents('vevent').find((v) => String(v.getFirstPropertyValue('uid')) === uid && recurrenceIdOf(v) === recurrenceId)
}

/** Where a reply's DTSTAMP is remembered on the ATTENDEE, so an older reply read later cannot undo a newer one. */
const REPLY_STAMP = 'x-quire-reply-dtstamp'

export interface ReplyOutcome {
  /** the organiser's object with the attendee's answer; null when nothing changed (stale or already applied) */
  data: string | null
  attendee: string
  name: string | null
  partstat: ParticipationStatus
  comment: string | null
  /** why it was not applied */
  skipped: 'stale' | 'unknown-attendee' | 'unchanged' | 'other-event' | null
}

/**
 * Applies an attendee's REPLY to the organiser's copy (RFC 5546 §3.2.3): that attendee's PARTSTAT on
 * the event (or on the one instance it answers, made an override if it is not one yet). A reply to an
 * older SEQUENCE than the event's, or older than one already applied, changes nothing.
 */
export function applyReply(organizerData: string, replyText: string): ReplyOutcome {
  const reply = parseObject(replyText)
  const component = veventsOf(reply.calendar)[0]!
  const attendee = attendeesOf(component)[0]
  const outcome: ReplyOutcome = { data: null, attendee: attendee?.address ?? '', name: attendee?.name ?? null, partstat: attendee?.partstat ?? 'NEEDS-ACTION', comment: component.getFirstPropertyValue('comment') ? String(component.getFirstPropertyValue('comment')) : null, skipped: null }
  if (!attendee) return { ...outcome, skipped: 'unknown-attendee' }
  const object = parseObject(organizerData)
  if (object.uid !== reply.uid) return { ...outcome, skipped: 'other-event' }
  const calendar = object.calendar
  const recurrenceId = recurrenceIdOf(component)
  let target = findComponent(calendar, object.uid, recurrenceId)
  const master = findComponent(calendar, object.uid, null)
  if (!target && recurrenceId && master) target = overrideFor(calendar, master, object.uid, recurrenceId)
  if (!target) return { ...outcome, skipped: 'other-event' }
  const property = target.getAllProperties('attendee').find((p) => addressOf(String(p.getFirstValue() ?? '')) === attendee.address)
  if (!property) return { ...outcome, skipped: 'unknown-attendee' }
  const stamp = stampOf(component) ?? 0
  const previous = Date.parse(String(property.getParameter(REPLY_STAMP) ?? ''))
  if (sequenceOf(component) < sequenceOf(target) || (Number.isFinite(previous) && stamp < previous)) return { ...outcome, skipped: 'stale' }
  const before = String(property.getParameter('partstat') ?? '').toUpperCase()
  if (before === attendee.partstat && Number.isFinite(previous) && stamp === previous) return { ...outcome, skipped: 'unchanged' }
  property.setParameter('partstat', attendee.partstat)
  property.removeParameter('rsvp')
  property.setParameter(REPLY_STAMP, new Date(stamp).toISOString())
  return { ...outcome, data: calendar.toString() }
}

/** My PARTSTAT on my copy of an event (on the instance `recurrenceId` names, or on every VEVENT). */
export function setMyPartstat(data: string, me: string, partstat: ParticipationStatus, recurrenceId: string | null = null): string {
  const object = parseObject(data)
  const calendar = object.calendar
  const address = addressOf(me)
  let components = calendar.getAllSubcomponents('vevent')
  if (recurrenceId) {
    const master = findComponent(calendar, object.uid, null)
    const target = findComponent(calendar, object.uid, recurrenceId) ?? (master ? overrideFor(calendar, master, object.uid, recurrenceId) : undefined)
    components = target ? [target] : []
  }
  for (const component of components) {
    for (const property of component.getAllProperties('attendee')) {
      if (addressOf(String(property.getFirstValue() ?? '')) !== address) continue
      property.setParameter('partstat', partstat)
      property.removeParameter('rsvp')
    }
  }
  return calendar.toString()
}

/**
 * My copy after an organiser's REQUEST: the event as the organiser sends it, with my own answer
 * and my own reminders kept from the copy I had (RFC 5546 §2.1.5: a newer SEQUENCE replaces the event).
 */
export function mergeRequest(myCopy: string | null, requestText: string, me: string): string {
  const calendar = new ICAL.Component(ICAL.parse(objectOfMessage(requestText)))
  if (!myCopy) return calendar.toString()
  const old = new ICAL.Component(ICAL.parse(myCopy))
  const address = addressOf(me)
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const before = findComponent(old, String(vevent.getFirstPropertyValue('uid')), recurrenceIdOf(vevent)) ?? findComponent(old, String(vevent.getFirstPropertyValue('uid')), null)
    if (!before) continue
    for (const alarm of before.getAllSubcomponents('valarm')) vevent.addSubcomponent(clone(alarm))
    const mine = before.getAllProperties('attendee').find((p) => addressOf(String(p.getFirstValue() ?? '')) === address)
    const partstat = mine?.getParameter('partstat')
    const movedOrChanged = sequenceOf(vevent) > sequenceOf(before) && timeOf(vevent) !== timeOf(before)
    if (typeof partstat !== 'string' || movedOrChanged) continue // a new time asks me again
    for (const property of vevent.getAllProperties('attendee')) {
      if (addressOf(String(property.getFirstValue() ?? '')) === address && String(property.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase() === 'NEEDS-ACTION') {
        property.setParameter('partstat', partstat)
        property.removeParameter('rsvp')
      }
    }
  }
  return calendar.toString()
}

function timeOf(component: IcalComponent): string {
  return ['dtstart', 'dtend', 'duration', 'rrule'].map((name) => component.getFirstProperty(name)?.toICALString() ?? '').join('|')
}

/** My copy after a CANCEL: null when the whole event is gone, else the object without the cancelled instance. */
export function applyCancel(myCopy: string, cancelText: string, now: number): string | null {
  const cancel = readItip(cancelText, 'UTC')
  if (!cancel.recurrenceId) return null
  const object = parseObject(myCopy)
  if (!object.master?.isRecurring()) return null
  return deleteEvent(myCopy, { recurrenceId: cancel.recurrenceId } as Parameters<typeof deleteEvent>[1], 'this', now).data
}

/** Formats an event's time for the card and the change lines, in the user's zone. */
export function formatWhen(event: Pick<ItipEvent, 'start' | 'end' | 'allDay'>, zone: string, locale?: string): string {
  if (event.allDay) {
    const date = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    const lastDay = event.end - DAY
    return lastDay > event.start ? `${date.format(event.start)} – ${date.format(lastDay)}` : date.format(event.start)
  }
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: zone })
  const time = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone: zone })
  const sameDay = day.format(event.start) === day.format(event.end)
  return sameDay ? `${day.format(event.start)}, ${time.format(event.start)} – ${time.format(event.end)}` : `${day.format(event.start)}, ${time.format(event.start)} – ${day.format(event.end)}, ${time.format(event.end)}`
}

/** What an update changes compared with my copy, in words: "Time changed from … to …". Empty when nothing the user sees changed. */
export function describeChanges(before: ItipEvent, after: ItipEvent, zone: string, locale?: string): string[] {
  const changes: string[] = []
  if (before.start !== after.start || before.end !== after.end || before.allDay !== after.allDay) changes.push(`Time changed from ${formatWhen(before, zone, locale)} to ${formatWhen(after, zone, locale)}`)
  if (before.recurrence !== after.recurrence) changes.push(`Repeat changed from ${before.recurrence ?? 'does not repeat'} to ${after.recurrence ?? 'does not repeat'}`)
  if (before.location !== after.location) changes.push(after.location ? (before.location ? `Location changed from ${before.location} to ${after.location}` : `Location set to ${after.location}`) : `Location removed (was ${before.location})`)
  if (before.summary !== after.summary) changes.push(`Title changed from “${before.summary}” to “${after.summary}”`)
  if (before.description !== after.description) changes.push('Description changed')
  const had = new Set(before.attendees.map((a) => a.address))
  const has = new Set(after.attendees.map((a) => a.address))
  const added = after.attendees.filter((a) => !had.has(a.address)).map((a) => a.name ?? a.address)
  const removed = before.attendees.filter((a) => !has.has(a.address)).map((a) => a.name ?? a.address)
  if (added.length) changes.push(`Added ${added.join(', ')}`)
  if (removed.length) changes.push(`Removed ${removed.join(', ')}`)
  return changes
}

/** An RFC 5546 message's METHOD, or null when the text is not one. */
export function methodOf(text: string): ItipMethod | null {
  const match = /^METHOD:([A-Z-]+)\s*$/im.exec(text)
  return match ? (match[1]!.toUpperCase() as ItipMethod) : null
}

/** Significant for RFC 5546 §2.1.4: a change that makes attendees reconsider (SEQUENCE goes up). */
export function isSignificantChange(before: ItipEvent | null, after: ItipEvent): boolean {
  if (!before) return true
  return before.start !== after.start || before.end !== after.end || before.allDay !== after.allDay || before.recurrence !== after.recurrence || before.location !== after.location
}
