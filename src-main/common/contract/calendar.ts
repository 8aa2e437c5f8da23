import { z } from 'zod'
import { AccountId } from '../domain/account'
import { CalendarChanges, CalendarCollection, CalendarCursor, CalendarObject, CalendarScheduling } from '../domain/calendar'
import { event, procedure } from './define'

const Url = z.string().url().max(4000)
/** iCalendar objects may carry inline attachments */
const MAX_OBJECT_BYTES = 8 * 1024 * 1024

export const calendarContract = {
  /** The calendars in the account's calendar home (discovery runs first when needed). */
  'calendar.list': procedure({ input: z.object({ accountId: AccountId }).strict(), output: z.array(CalendarCollection) }),
  /** RFC 6638: the user's calendar addresses and whether the server sends invitations itself. */
  'calendar.scheduling': procedure({ input: z.object({ accountId: AccountId }).strict(), output: CalendarScheduling }),
  /**
   * RFC 6638 §2.2: the scheduling messages the server delivered to the user's schedule inbox
   * (invitations, replies, cancellations), at most 200, oldest first; empty without an inbox.
   */
  'calendar.inbox': procedure({ input: z.object({ accountId: AccountId }).strict(), output: z.array(CalendarObject) }),
  /** Removes a handled message from the schedule inbox (exactly this version when `etag` is given). */
  'calendar.inboxDelete': procedure({
    input: z.object({ accountId: AccountId, href: Url, etag: z.string().max(1000).nullable() }).strict(),
    output: z.object({}),
  }),
  /** What changed in one calendar since `cursor` (null: never synced). Data comes separately, through `calendar.fetch`. */
  'calendar.changes': procedure({
    input: z.object({ accountId: AccountId, calendarUrl: Url, cursor: CalendarCursor.nullable() }).strict(),
    output: CalendarChanges,
  }),
  /** The iCalendar data of up to 200 objects (calendar-multiget); hrefs the server no longer has come back in `missing`. */
  'calendar.fetch': procedure({
    input: z.object({ accountId: AccountId, calendarUrl: Url, hrefs: z.array(Url).min(1).max(200) }).strict(),
    output: z.object({ objects: z.array(CalendarObject), missing: z.array(Url) }),
  }),
  /**
   * Stores an object: `etag` null creates it (fails if it exists), else replaces exactly that version.
   * Someone else's change in between is CONFLICT with `details: CalendarConflict`, never an overwrite.
   * `data` in the answer is set when the server stored something other than what was sent.
   */
  'calendar.put': procedure({
    input: z.object({ accountId: AccountId, calendarUrl: Url, href: Url, etag: z.string().max(1000).nullable(), data: z.string().min(1).max(MAX_OBJECT_BYTES) }).strict(),
    output: z.object({ href: Url, etag: z.string().nullable(), data: z.string().nullable() }),
    maxInputBytes: MAX_OBJECT_BYTES + 64 * 1024,
  }),
  /** Deletes exactly this version; CONFLICT (with the server's version) when it changed there. */
  'calendar.delete': procedure({
    input: z.object({ accountId: AccountId, calendarUrl: Url, href: Url, etag: z.string().max(1000).nullable() }).strict(),
    output: z.object({}),
  }),
  /**
   * Main's poll timer for every DAV account with calendars (its syncIntervalSeconds): at subscribe,
   * one event per account says when its next check is (`due` false); then each tick says it is time
   * to sync (`due` true) and when the next one is (the UI shows it).
   */
  'calendar.watch': event({
    input: z.object({}).strict(),
    payload: z.object({ accountId: AccountId, nextCheckAt: z.number(), due: z.boolean() }),
  }),
}
