import ICAL from 'ical.js'
import { applyCancel, applyReply, buildCancel, buildReply, buildRequest, describeChanges, mergeRequest, methodOf, objectOfMessage, readItip, setMyPartstat } from '../../src-renderer/store/calendar/itip'
import { createObjectData, newDraft, updateEvent } from '../../src-renderer/store/calendar/event-edit'
import { invitee } from '../../src-renderer/store/calendar/attendees'
import { parseObject } from '../../src-renderer/store/calendar/ical-object'
import { planInvitations, withOrganizer } from '../../src-renderer/store/calendar/itip-plan'

const NOW = Date.UTC(2026, 0, 10, 12)
const ZONE = 'Europe/Berlin'

function aliceMeeting(): string {
  const draft = {
    ...newDraft('2026-01-15T10:00', '2026-01-15T11:00', ZONE),
    summary: 'Planning',
    location: 'Room 1',
    reminders: [15],
    organizer: { address: 'alice@example.test', name: 'Alice' },
    attendees: [{ ...invitee('alice@example.test', 'Alice', 'CHAIR'), partstat: 'ACCEPTED' as const, rsvp: false }, invitee('bob@example.test', 'Bob'), invitee('carol@example.test', 'Carol')],
  }
  return createObjectData('m1@quire', draft, NOW)
}

const WEEKLY = [
  'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Other//EN', 'BEGIN:VEVENT', 'UID:w1@example.test', 'DTSTAMP:20260101T000000Z', 'SEQUENCE:2',
  'DTSTART:20260105T090000Z', 'DTEND:20260105T093000Z', 'RRULE:FREQ=WEEKLY;BYDAY=MO', 'SUMMARY:Stand-up',
  'ORGANIZER;CN=Alice:mailto:alice@example.test',
  'ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.test',
  'END:VEVENT', 'END:VCALENDAR', '',
].join('\r\n')

describe('iTIP (RFC 5546)', () => {
  it('an organised event carries SEQUENCE:0, and moving it raises it', () => {
    const data = aliceMeeting()
    expect(data).toMatch(/SEQUENCE:0/)
    const object = parseObject(data)
    const draft = { ...newDraft('2026-01-16T10:00', '2026-01-16T11:00', ZONE), summary: 'Planning', location: 'Room 1', reminders: [15], organizer: { address: 'alice@example.test', name: 'Alice' }, attendees: [invitee('bob@example.test', 'Bob')] }
    const moved = updateEvent(data, null, draft, 'all', NOW + 1000, () => 'x').data!
    expect(readItip(moved, ZONE).sequence).toBe(1)
    expect(object.uid).toBe('m1@quire')
    // a title change alone is not significant
    const renamed = updateEvent(moved, null, { ...draft, summary: 'Planning 2' }, 'all', NOW + 2000, () => 'x').data!
    expect(readItip(renamed, ZONE).sequence).toBe(1)
    const relocated = updateEvent(renamed, null, { ...draft, summary: 'Planning 2', location: 'Room 2' }, 'all', NOW + 3000, () => 'x').data!
    expect(readItip(relocated, ZONE).sequence).toBe(2)
  })

  it('builds a REQUEST with the whole event, without the organiser’s reminders', () => {
    const request = buildRequest(aliceMeeting(), NOW + 60_000)
    expect(methodOf(request)).toBe('REQUEST')
    expect(request).not.toContain('BEGIN:VALARM')
    const event = readItip(request, ZONE)
    expect(event).toMatchObject({ method: 'REQUEST', uid: 'm1@quire', sequence: 0, summary: 'Planning', location: 'Room 1', organizer: { address: 'alice@example.test', name: 'Alice' } })
    expect(event.start).toBe(Date.UTC(2026, 0, 15, 9))
    expect(event.dtstamp).toBe(NOW + 60_000)
    expect(event.attendees.map((a) => [a.address, a.partstat, a.rsvp])).toEqual([
      ['alice@example.test', 'ACCEPTED', false],
      ['bob@example.test', 'NEEDS-ACTION', true],
      ['carol@example.test', 'NEEDS-ACTION', true],
    ])
    // the zone travels with it
    expect(request).toContain('BEGIN:VTIMEZONE')
    expect(objectOfMessage(request)).not.toMatch(/^METHOD/m)
  })

  it('builds a REPLY with only my attendee, my answer and my comment; the organiser applies it', () => {
    const organiser = aliceMeeting()
    const request = buildRequest(organiser, NOW)
    const reply = buildReply(request, 'Bob@Example.test', 'ACCEPTED', NOW + 5000, { comment: 'See you there' })
    expect(methodOf(reply)).toBe('REPLY')
    const parsed = readItip(reply, ZONE)
    expect(parsed.attendees).toEqual([expect.objectContaining({ address: 'bob@example.test', partstat: 'ACCEPTED', name: 'Bob' })])
    expect(parsed.comment).toBe('See you there')
    expect(parsed.sequence).toBe(0)
    const outcome = applyReply(organiser, reply)
    expect(outcome).toMatchObject({ attendee: 'bob@example.test', partstat: 'ACCEPTED', skipped: null })
    const after = readItip(outcome.data!, ZONE)
    expect(after.attendees.find((a) => a.address === 'bob@example.test')?.partstat).toBe('ACCEPTED')
    expect(after.attendees.find((a) => a.address === 'carol@example.test')?.partstat).toBe('NEEDS-ACTION')
    // the same reply again changes nothing; an older one read later does not undo a newer one
    expect(applyReply(outcome.data!, reply).skipped).toBe('unchanged')
    const older = buildReply(request, 'bob@example.test', 'DECLINED', NOW + 1000)
    expect(applyReply(outcome.data!, older)).toMatchObject({ skipped: 'stale', data: null })
    const newer = buildReply(request, 'bob@example.test', 'TENTATIVE', NOW + 9000)
    expect(readItip(applyReply(outcome.data!, newer).data!, ZONE).attendees.find((a) => a.address === 'bob@example.test')?.partstat).toBe('TENTATIVE')
  })

  it('ignores a reply to an older version of the event', () => {
    const reply = buildReply(WEEKLY.replace('SEQUENCE:2', 'SEQUENCE:1'), 'bob@example.test', 'ACCEPTED', NOW)
    expect(applyReply(WEEKLY, reply).skipped).toBe('stale')
    expect(applyReply(WEEKLY, buildReply(WEEKLY, 'bob@example.test', 'ACCEPTED', NOW)).skipped).toBeNull()
  })

  it('a REPLY for one occurrence of a series names it by RECURRENCE-ID and changes only that instance', () => {
    const reply = buildReply(WEEKLY, 'bob@example.test', 'DECLINED', NOW, { recurrenceId: '20260112T090000Z' })
    expect(reply).toMatch(/RECURRENCE-ID:20260112T090000Z/)
    expect(reply).toMatch(/DTSTART:20260112T090000Z/)
    expect(reply).not.toContain('RRULE')
    const outcome = applyReply(WEEKLY, reply)
    expect(outcome.skipped).toBeNull()
    const object = parseObject(outcome.data!)
    expect(object.overrides).toHaveLength(1)
    expect(String(object.overrides[0]!.component.getFirstProperty('attendee')!.getParameter('partstat'))).toBe('DECLINED')
    expect(String(object.master!.component.getFirstProperty('attendee')!.getParameter('partstat'))).toBe('NEEDS-ACTION')
  })

  it('describes a recurring invitation and what an update changed', () => {
    const before = readItip(WEEKLY, 'UTC')
    expect(before.recurrence).toBe('Every week on Monday')
    const moved = WEEKLY.replace('SEQUENCE:2', 'SEQUENCE:3').replace('DTSTART:20260105T090000Z', 'DTSTART:20260105T100000Z').replace('DTEND:20260105T093000Z', 'DTEND:20260105T103000Z').replace('SUMMARY:Stand-up', 'SUMMARY:Stand-up\r\nLOCATION:Hall')
    const changes = describeChanges(before, readItip(moved, 'UTC'), 'UTC', 'en-GB')
    expect(changes[0]).toMatch(/^Time changed from Mon, 5 Jan 2026, 0?9:00 – 0?9:30 to Mon, 5 Jan 2026, 10:00 – 10:30$/)
    expect(changes).toContain('Location set to Hall')
    expect(changes).toHaveLength(2)
  })

  it('an update keeps my answer and my reminders unless the time moved', () => {
    const mine = setMyPartstat(objectOfMessage(WEEKLY), 'bob@example.test', 'ACCEPTED').replace('END:VEVENT', 'BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT')
    const retitled = buildRequest(WEEKLY.replace('SEQUENCE:2', 'SEQUENCE:3').replace('SUMMARY:Stand-up', 'SUMMARY:Daily'), NOW)
    const merged = mergeRequest(mine, retitled, 'bob@example.test')
    expect(merged).toContain('PARTSTAT=ACCEPTED')
    expect(merged).toContain('TRIGGER:-PT5M')
    expect(merged).not.toMatch(/^METHOD/m)
    const moved = buildRequest(WEEKLY.replace('SEQUENCE:2', 'SEQUENCE:3').replace('T090000Z', 'T100000Z'), NOW)
    expect(mergeRequest(mine, moved, 'bob@example.test')).toContain('PARTSTAT=NEEDS-ACTION')
  })

  it('builds a CANCEL for the whole event or only for removed attendees; applying it removes my copy or the instance', () => {
    const organiser = aliceMeeting()
    const all = buildCancel(organiser, NOW, { bump: true })
    expect(readItip(all, ZONE)).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', sequence: 1 })
    const carolOnly = buildCancel(organiser, NOW, { attendees: ['carol@example.test'] })
    expect(readItip(carolOnly, ZONE).attendees.map((a) => a.address)).toEqual(['carol@example.test'])
    expect(applyCancel(objectOfMessage(buildRequest(organiser, NOW)), all, NOW)).toBeNull()
    const instance = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:x', 'METHOD:CANCEL', 'BEGIN:VEVENT', 'UID:w1@example.test', 'DTSTAMP:20260101T000000Z', 'SEQUENCE:3', 'RECURRENCE-ID:20260112T090000Z', 'DTSTART:20260112T090000Z', 'ORGANIZER:mailto:alice@example.test', 'ATTENDEE:mailto:bob@example.test', 'STATUS:CANCELLED', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n')
    const left = applyCancel(objectOfMessage(WEEKLY), instance, NOW)!
    expect(left).toMatch(/EXDATE:20260112T090000Z/)
  })

  it('everything it builds parses again as iCalendar', () => {
    for (const text of [buildRequest(aliceMeeting(), NOW), buildCancel(aliceMeeting(), NOW), buildReply(WEEKLY, 'bob@example.test', 'TENTATIVE', NOW)]) {
      expect(() => new ICAL.Component(ICAL.parse(text))).not.toThrow()
      expect(text.endsWith('\r\n') || text.endsWith('END:VCALENDAR')).toBe(true)
    }
  })
})

describe('what an organiser’s change sends (planInvitations)', () => {
  const isAlice = (address: string) => address === 'alice@example.test'
  const draft = (overrides: Partial<ReturnType<typeof newDraft>> = {}) => ({
    ...newDraft('2026-01-15T10:00', '2026-01-15T11:00', ZONE),
    summary: 'Planning',
    organizer: { address: 'alice@example.test', name: 'Alice' },
    attendees: [{ ...invitee('alice@example.test', 'Alice', 'CHAIR'), partstat: 'ACCEPTED' as const, rsvp: false }, invitee('bob@example.test', 'Bob'), invitee('carol@example.test', 'Carol')],
    ...overrides,
  })
  const created = createObjectData('p1@quire', draft(), NOW)
  const recipients = (m: { to: { address: string }[] }) => m.to.map((a) => a.address)

  it('a new organised event invites everyone but me; someone else’s event sends nothing', () => {
    const plan = planInvitations(null, created, isAlice, NOW)
    expect(plan.map((m) => [m.method, m.reason, recipients(m)])).toEqual([['REQUEST', 'new', ['bob@example.test', 'carol@example.test']]])
    expect(planInvitations(null, created, (a) => a === 'bob@example.test', NOW)).toEqual([])
  })

  it('a move sends the update to all; an added attendee alone gets the invitation; a removed one a CANCEL', () => {
    const moved = updateEvent(created, null, draft({ start: '2026-01-15T14:00', end: '2026-01-15T15:00' }), 'all', NOW + 1000, () => 'x').data!
    expect(planInvitations(created, moved, isAlice, NOW).map((m) => [m.method, m.reason, recipients(m)])).toEqual([['REQUEST', 'updated', ['bob@example.test', 'carol@example.test']]])
    const base = draft()
    const withDan = updateEvent(created, null, { ...base, attendees: [...base.attendees, invitee('dan@example.test')] }, 'all', NOW + 1000, () => 'x').data!
    expect(planInvitations(created, withDan, isAlice, NOW).map((m) => [m.method, m.reason, recipients(m)])).toEqual([['REQUEST', 'added', ['dan@example.test']]])
    const withoutCarol = updateEvent(created, null, { ...base, attendees: base.attendees.slice(0, 2) }, 'all', NOW + 1000, () => 'x').data!
    expect(planInvitations(created, withoutCarol, isAlice, NOW).map((m) => [m.method, m.reason, recipients(m)])).toEqual([['CANCEL', 'removed', ['carol@example.test']]])
  })

  it('deleting an organised event asks before cancelling it for everyone', () => {
    const [cancel] = planInvitations(created, null, isAlice, NOW)
    expect(cancel).toMatchObject({ method: 'CANCEL', askFirst: true, reason: 'cancelled' })
    expect(readItip(cancel!.data, ZONE)).toMatchObject({ method: 'CANCEL', sequence: 1 })
  })

  it('an event that gets attendees and no organiser is organised by me, who attends as chair', () => {
    const plain = { ...newDraft('2026-01-15T10:00', '2026-01-15T11:00', ZONE), attendees: [invitee('bob@example.test')] }
    const organised = withOrganizer(plain, { address: 'alice@example.test', name: 'Alice' })
    expect(organised.organizer).toEqual({ address: 'alice@example.test', name: 'Alice' })
    expect(organised.attendees[0]).toMatchObject({ address: 'alice@example.test', role: 'CHAIR', partstat: 'ACCEPTED' })
    expect(withOrganizer({ ...plain, attendees: [] }, { address: 'alice@example.test', name: null }).organizer).toBeNull()
  })
})
