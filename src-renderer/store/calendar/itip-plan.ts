import ICAL from 'ical.js'
import { type Attendee, type Organizer } from './attendees'
import type { EventDraft } from './event-edit'
import { buildCancel, buildRequest, formatWhen, readItip, type ItipEvent } from './itip'

/** One iMIP message the organiser's change calls for (RFC 6047). */
export interface PlannedMessage {
  method: 'REQUEST' | 'CANCEL'
  /** who gets it: attendees other than the organiser */
  to: Attendee[]
  /** the iTIP object (METHOD set) */
  data: string
  /** a cancellation of the whole event waits for the user's yes ("Send cancellation?") */
  askFirst: boolean
  /** why it goes: "new", "updated", "added", "removed", "cancelled" */
  reason: 'new' | 'updated' | 'added' | 'removed' | 'cancelled'
  event: ItipEvent
}

/** The organiser's draft: an event that gets attendees and names no organiser is organised by me, who also attends (RFC 5545 §3.8.4.3). */
export function withOrganizer(draft: EventDraft, me: Organizer | null): EventDraft {
  if (!me || draft.attendees.length === 0 || draft.organizer) return draft
  const attendees = draft.attendees.some((a) => a.address === me.address)
    ? draft.attendees
    : [{ address: me.address, name: me.name, role: 'CHAIR' as const, partstat: 'ACCEPTED' as const, rsvp: false, kind: 'INDIVIDUAL' as const }, ...draft.attendees]
  return { ...draft, organizer: me, attendees }
}

function maxSequence(data: string): number {
  const calendar = new ICAL.Component(ICAL.parse(data))
  return Math.max(0, ...calendar.getAllSubcomponents('vevent').map((v) => Number(v.getFirstPropertyValue('sequence') ?? 0) || 0))
}

function instanceCount(data: string): number {
  return new ICAL.Component(ICAL.parse(data)).getAllSubcomponents('vevent').length
}

function read(data: string | null): ItipEvent | null {
  if (!data) return null
  try {
    return readItip(data, 'UTC')
  } catch {
    return null
  }
}

/**
 * What to send after the organiser changed an event (RFC 5546 §2.1.4, §3.2): a REQUEST to everyone
 * for a new event and for a change they should see (time, place, title, repeat, an instance), a
 * REQUEST to just the new people when only attendees were added, a CANCEL to people removed, and a
 * CANCEL to everyone — after asking — when the event is deleted. Nothing for events I do not organise.
 */
export function planInvitations(before: string | null, after: string | null, isMe: (address: string) => boolean, now: number): PlannedMessage[] {
  const old = read(before)
  const next = read(after)
  const organisedByMe = (event: ItipEvent | null): event is ItipEvent => Boolean(event && event.organizer && isMe(event.organizer.address) && event.attendees.some((a) => !isMe(a.address)))
  const others = (event: ItipEvent) => event.attendees.filter((a) => !isMe(a.address))
  const messages: PlannedMessage[] = []
  if (organisedByMe(old) && !organisedByMe(next)) {
    // deleted, or every attendee taken off: the event is off for them
    const deleted = next === null
    messages.push({ method: 'CANCEL', to: others(old), data: buildCancel(before!, now, { bump: true }), askFirst: deleted, reason: 'cancelled', event: old })
    return messages
  }
  if (!organisedByMe(next)) return messages
  if (!organisedByMe(old)) {
    messages.push({ method: 'REQUEST', to: others(next), data: buildRequest(after!, now), askFirst: false, reason: 'new', event: next })
    return messages
  }
  const had = new Set(others(old).map((a) => a.address))
  const has = new Set(others(next).map((a) => a.address))
  const removed = others(old).filter((a) => !has.has(a.address))
  const added = others(next).filter((a) => !had.has(a.address))
  if (removed.length) {
    messages.push({ method: 'CANCEL', to: removed, data: buildCancel(before!, now, { attendees: removed.map((a) => a.address), bump: maxSequence(after!) > maxSequence(before!) }), askFirst: false, reason: 'removed', event: old })
  }
  const changed =
    maxSequence(after!) > maxSequence(before!) ||
    instanceCount(after!) !== instanceCount(before!) ||
    old.summary !== next.summary ||
    old.description !== next.description ||
    old.recurrence !== next.recurrence
  if (changed) messages.push({ method: 'REQUEST', to: others(next), data: buildRequest(after!, now), askFirst: false, reason: 'updated', event: next })
  else if (added.length) messages.push({ method: 'REQUEST', to: added, data: buildRequest(after!, now), askFirst: false, reason: 'added', event: next })
  return messages
}

/** The human-readable part of an iMIP message (RFC 6047 §2.4 wants one for mail programs without iCalendar). */
export function messageText(method: 'REQUEST' | 'CANCEL' | 'REPLY', event: ItipEvent, zone: string, options: { from: string; reason?: PlannedMessage['reason']; partstat?: string; comment?: string }): { subject: string; text: string } {
  const when = formatWhen(event, zone)
  const title = event.summary || '(no title)'
  const lines: string[] = []
  let subject: string
  if (method === 'REPLY') {
    const answer = { ACCEPTED: 'Accepted', DECLINED: 'Declined', TENTATIVE: 'Tentatively accepted' }[options.partstat ?? ''] ?? 'Answered'
    subject = `${answer}: ${title}`
    lines.push(`${options.from} ${answer.toLowerCase()} the invitation to ${title}.`)
    if (options.comment) lines.push('', options.comment)
  } else if (method === 'CANCEL') {
    subject = `Cancelled: ${title}`
    lines.push(options.reason === 'removed' ? `${options.from} took you off ${title}.` : `${options.from} cancelled ${title}.`)
  } else {
    subject = options.reason === 'updated' ? `Updated invitation: ${title}` : `Invitation: ${title}`
    lines.push(options.reason === 'updated' ? `${options.from} changed ${title}.` : `${options.from} invites you to ${title}.`)
  }
  lines.push('', `When: ${when}${event.recurrence ? ` (${event.recurrence})` : ''} (${zone})`)
  if (event.location) lines.push(`Where: ${event.location}`)
  if (method !== 'REPLY' && event.attendees.length) lines.push(`Who: ${event.attendees.map((a) => a.name ?? a.address).join(', ')}`)
  if (method === 'REQUEST' && event.description) lines.push('', event.description)
  return { subject: `${subject} @ ${when}`, text: `${lines.join('\n')}\n` }
}
