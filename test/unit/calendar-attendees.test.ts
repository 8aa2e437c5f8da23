import ICAL from 'ical.js'
import { applyAttendees, attendeesOf, invitee, organizerOf } from '../../src-renderer/store/calendar/attendees'
import { createObjectData, draftOf, newDraft, updateEvent } from '../../src-renderer/store/calendar/event-edit'
import { parseObject } from '../../src-renderer/store/calendar/ical-object'

const NOW = Date.UTC(2026, 0, 10, 12)
const vevent = (raw: string) => new ICAL.Component(ICAL.parse(raw)).getFirstSubcomponent('vevent')!

const MEETING = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//EN', 'BEGIN:VEVENT', 'UID:m@quire.test', 'DTSTAMP:20260101T000000Z',
  'DTSTART:20260115T100000Z', 'DTEND:20260115T110000Z', 'SUMMARY:Review',
  'ORGANIZER;CN=Alice:mailto:alice@example.test',
  'ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2.0:mailto:Bob@Example.test',
  'ATTENDEE;ROLE=OPT-PARTICIPANT;RSVP=TRUE;CUTYPE=ROOM:mailto:room1@example.test',
  'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n')

describe('attendees', () => {
  it('reads ORGANIZER and ATTENDEE with their role, reply and kind', () => {
    const component = vevent(MEETING)
    expect(organizerOf(component)).toEqual({ address: 'alice@example.test', name: 'Alice' })
    expect(attendeesOf(component)).toEqual([
      { address: 'bob@example.test', name: 'Bob', role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED', rsvp: false, kind: 'INDIVIDUAL' },
      { address: 'room1@example.test', name: null, role: 'OPT-PARTICIPANT', partstat: 'NEEDS-ACTION', rsvp: true, kind: 'ROOM' },
    ])
  })

  it('keeps parameters it does not edit on attendees that stay, and adds new ones asked to reply', () => {
    const component = vevent(MEETING)
    const [bob] = attendeesOf(component)
    applyAttendees(component, organizerOf(component), [bob!, invitee('carol@example.test', 'Carol')])
    const lines = component.toString()
    expect(lines).toContain('SCHEDULE-STATUS=2.0')
    expect(lines).not.toContain('room1@')
    expect(lines).toMatch(/ATTENDEE;CN=Carol;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:carol@example.test/)
  })

  it('an event whose last attendee goes loses its organizer too', () => {
    const component = vevent(MEETING)
    applyAttendees(component, organizerOf(component), [])
    expect(component.hasProperty('organizer')).toBe(false)
    expect(component.hasProperty('attendee')).toBe(false)
  })

  it('the editor draft carries attendees through create and update', () => {
    const organizer = { address: 'alice@example.test', name: 'Alice' }
    const data = createObjectData('new@quire.test', { ...newDraft('2026-03-29T10:00', '2026-03-29T11:00', 'UTC'), summary: 'Sync', organizer, attendees: [invitee('bob@example.test')] }, NOW)
    const draft = draftOf(parseObject(data), null, 'all')
    expect(draft.organizer).toEqual(organizer)
    expect(draft.attendees.map((a) => [a.address, a.partstat, a.rsvp])).toEqual([['bob@example.test', 'NEEDS-ACTION', true]])
    const { data: updated } = updateEvent(data, null, { ...draft, attendees: [...draft.attendees, invitee('carol@example.test', null, 'OPT-PARTICIPANT')] }, 'all', NOW + 1000, () => 'x')
    expect(attendeesOf(parseObject(updated!).master!.component).map((a) => [a.address, a.role])).toEqual([
      ['bob@example.test', 'REQ-PARTICIPANT'],
      ['carol@example.test', 'OPT-PARTICIPANT'],
    ])
  })
})
