import ICAL from 'ical.js'

type IcalComponent = InstanceType<typeof ICAL.Component>
type IcalProperty = InstanceType<typeof ICAL.Property>

/** RFC 5545 §3.2.12 PARTSTAT values an event's attendee can have. */
export type ParticipationStatus = 'NEEDS-ACTION' | 'ACCEPTED' | 'DECLINED' | 'TENTATIVE' | 'DELEGATED'
/** RFC 5545 §3.2.16 ROLE: required, optional, chair, or only informed. */
export type AttendeeRole = 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT' | 'CHAIR' | 'NON-PARTICIPANT'

/** An ATTENDEE of an event as Quire shows and edits it. */
export interface Attendee {
  /** the calendar user address without "mailto:", lowercased */
  address: string
  /** CN, when known */
  name: string | null
  role: AttendeeRole
  partstat: ParticipationStatus
  /** RSVP=TRUE: the organiser asks for a reply */
  rsvp: boolean
  /** RFC 5545 §3.2.3 CUTYPE (INDIVIDUAL when absent): rooms and resources are attendees too */
  kind: 'INDIVIDUAL' | 'GROUP' | 'RESOURCE' | 'ROOM' | 'UNKNOWN'
}

/** The ORGANIZER of an event: whoever sends the invitations and receives the replies. */
export interface Organizer {
  address: string
  name: string | null
}

const PARTSTATS: ParticipationStatus[] = ['NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED']
const ROLES: AttendeeRole[] = ['REQ-PARTICIPANT', 'OPT-PARTICIPANT', 'CHAIR', 'NON-PARTICIPANT']
const KINDS: Attendee['kind'][] = ['INDIVIDUAL', 'GROUP', 'RESOURCE', 'ROOM', 'UNKNOWN']

/** "mailto:Bob@Example.test" → "bob@example.test"; other URI schemes are kept as they are. */
export function addressOf(calAddress: string): string {
  const value = calAddress.trim()
  return /^mailto:/i.test(value) ? value.slice(7).toLowerCase() : value.toLowerCase()
}

/** The CAL-ADDRESS value for an address (RFC 6047 §2: iMIP uses mailto: URIs). */
export function calAddressOf(address: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(address) && !address.includes('@') ? address : `mailto:${address}`
}

function parameter<T extends string>(property: IcalProperty, name: string, allowed: readonly T[], fallback: T): T {
  const value = String(property.getParameter(name) ?? '').toUpperCase()
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

function nameOf(property: IcalProperty): string | null {
  const cn = property.getParameter('cn')
  return typeof cn === 'string' && cn.trim() ? cn.trim() : null
}

/** The attendees of a VEVENT, in the order the event lists them. */
export function attendeesOf(component: IcalComponent): Attendee[] {
  return component.getAllProperties('attendee').map((property) => ({
    address: addressOf(String(property.getFirstValue() ?? '')),
    name: nameOf(property),
    role: parameter(property, 'role', ROLES, 'REQ-PARTICIPANT'),
    partstat: parameter(property, 'partstat', PARTSTATS, 'NEEDS-ACTION'),
    rsvp: String(property.getParameter('rsvp') ?? '').toUpperCase() === 'TRUE',
    kind: parameter(property, 'cutype', KINDS, 'INDIVIDUAL'),
  }))
}

export function organizerOf(component: IcalComponent): Organizer | null {
  const property = component.getFirstProperty('organizer')
  if (!property) return null
  return { address: addressOf(String(property.getFirstValue() ?? '')), name: nameOf(property) }
}

function setParameter(property: IcalProperty, name: string, value: string | null, absentWhen?: string): void {
  if (value === null || value === absentWhen) property.removeParameter(name)
  else property.setParameter(name, value)
}

/**
 * Writes ORGANIZER and ATTENDEE properties. An attendee the event already lists keeps the parameters
 * Quire does not edit (SCHEDULE-STATUS, DELEGATED-FROM, X- parameters the server or another client set);
 * an event without attendees loses its ORGANIZER too, as RFC 5545 §3.8.4.3 wants for a plain event.
 */
export function applyAttendees(component: IcalComponent, organizer: Organizer | null, attendees: Attendee[]): void {
  const existing = new Map(component.getAllProperties('attendee').map((p) => [addressOf(String(p.getFirstValue() ?? '')), p]))
  component.removeAllProperties('attendee')
  if (attendees.length === 0) {
    component.removeAllProperties('organizer')
    return
  }
  if (organizer) {
    const property = component.getFirstProperty('organizer') ?? component.addPropertyWithValue('organizer', calAddressOf(organizer.address))
    if (addressOf(String(property.getFirstValue() ?? '')) !== organizer.address) property.setValue(calAddressOf(organizer.address))
    setParameter(property, 'cn', organizer.name)
  }
  for (const attendee of attendees) {
    const property = existing.get(attendee.address) ?? new ICAL.Property('attendee', component)
    if (!existing.has(attendee.address)) property.setValue(calAddressOf(attendee.address))
    setParameter(property, 'cn', attendee.name)
    setParameter(property, 'role', attendee.role, 'REQ-PARTICIPANT')
    setParameter(property, 'partstat', attendee.partstat)
    setParameter(property, 'rsvp', attendee.rsvp ? 'TRUE' : null)
    setParameter(property, 'cutype', attendee.kind, 'INDIVIDUAL')
    component.addProperty(property)
  }
}

/** A new attendee the organiser invites: required, asked to reply, not yet answered. */
export function invitee(address: string, name: string | null = null, role: AttendeeRole = 'REQ-PARTICIPANT'): Attendee {
  return { address: address.toLowerCase(), name, role, partstat: 'NEEDS-ACTION', rsvp: true, kind: 'INDIVIDUAL' }
}
