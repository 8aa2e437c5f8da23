import { z } from 'zod'

const Url = z.string().url().max(4000)

/**
 * Whose calendar it is when it is not the account's own: the owner principal's displayname, their
 * calendar-user-address-set mailto address (RFC 6638 §2.4.1) as a plain lowercased email, and the
 * principal URL. Attendees are matched against `address`.
 */
export const CalendarOwner = z.object({ name: z.string().nullable(), address: z.string().nullable(), principalUrl: z.string().nullable() })
export type CalendarOwner = z.infer<typeof CalendarOwner>

/** A calendar collection (RFC 4791 §4.2) as discovery found it: in the account's calendar home, or shared by someone else. */
export const CalendarCollection = z.object({
  /** absolute URL of the collection, ending in "/"; with the account it identifies the calendar */
  url: Url,
  name: z.string(),
  /** Apple's calendar-color, as #rrggbb; null when the server keeps none */
  color: z.string().nullable(),
  description: z.string().nullable(),
  /** current-user-privilege-set (RFC 3744 §5.4) grants neither write nor write-content */
  readOnly: z.boolean(),
  /** supported-calendar-component-set (RFC 4791 §5.2.3), e.g. ["VEVENT", "VTODO"]; empty: not said (all) */
  components: z.array(z.string()),
  /** the collection offers sync-collection (RFC 6578) */
  syncCollection: z.boolean(),
  /** calendar-order (Apple), for sorting; null when unset */
  order: z.number().nullable(),
  /** null: the account's own calendar; else the person who shares it (DAV:owner, or whose home it was found in) */
  owner: CalendarOwner.nullable(),
})
export type CalendarCollection = z.infer<typeof CalendarCollection>

/** Where the last sync of a calendar left off: an RFC 6578 sync-token, else the collection's CTag. */
export const CalendarCursor = z.object({
  syncToken: z.string().max(4000).nullable(),
  ctag: z.string().max(4000).nullable(),
})
export type CalendarCursor = z.infer<typeof CalendarCursor>

/** One calendar object resource's name and version. */
export const ObjectVersion = z.object({ href: Url, etag: z.string() })
export type ObjectVersion = z.infer<typeof ObjectVersion>

/**
 * What changed in a calendar since a cursor. `delta`: what sync-collection reported; `full`: every
 * object the server has (an initial sync, a CTag change, or an expired sync-token) — anything the
 * store has that is not listed is gone; `unchanged`: nothing to do.
 */
export const CalendarChanges = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('unchanged'), cursor: CalendarCursor }),
  z.object({ kind: z.literal('delta'), changed: z.array(ObjectVersion), removed: z.array(Url), cursor: CalendarCursor }),
  z.object({ kind: z.literal('full'), items: z.array(ObjectVersion), cursor: CalendarCursor }),
])
export type CalendarChanges = z.infer<typeof CalendarChanges>

/** A calendar object resource: its URL, version and iCalendar text (RFC 5545) exactly as stored. */
export const CalendarObject = z.object({
  href: Url,
  etag: z.string().nullable(),
  data: z.string(),
})
export type CalendarObject = z.infer<typeof CalendarObject>

/**
 * What a CONFLICT error (412 Precondition Failed) carries in `details`: the server's version as it
 * is now, or null when someone deleted it there.
 */
export const CalendarConflict = z.object({ current: CalendarObject.nullable() })
export type CalendarConflict = z.infer<typeof CalendarConflict>

/**
 * Who the user is to calendar scheduling (RFC 6638) on a DAV account, and whether the server
 * schedules: `serverSchedules` when the calendar home's server says `calendar-auto-schedule` in its
 * DAV header and the principal has a schedule outbox (§2.1, §8.2) — then saving an event with
 * attendees is enough, the server sends the invitations and delivers the replies.
 */
export const CalendarScheduling = z.object({
  /** calendar-user-address-set (§2.4.1) without "mailto:", lower-cased; empty when the server names none */
  addresses: z.array(z.string()),
  serverSchedules: z.boolean(),
  inboxUrl: Url.nullable(),
  outboxUrl: Url.nullable(),
})
export type CalendarScheduling = z.infer<typeof CalendarScheduling>
