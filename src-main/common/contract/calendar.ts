import { z } from 'zod'
import { AccountId } from '../domain/account'
import { CalendarChanges, CalendarCollection, CalendarCursor, CalendarObject, CalendarOwner, CalendarScheduling } from '../domain/calendar'
import { FreeBusyAnswer } from '../domain/free-busy'
import { event, procedure } from './define'

const Url = z.string().url().max(4000)
/** iCalendar objects may carry inline attachments */
const MAX_OBJECT_BYTES = 8 * 1024 * 1024

export const calendarContract = {
  /**
   * The calendars in the account's calendar home (discovery runs first when needed), then those
   * others share with it: found by the server (shared into the home, calendar-proxy delegation) or
   * added with `calendar.addShared`. `owner` is null for the account's own.
   */
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
   * Adds someone else's calendars to the account: `who` is an email address (their principal is
   * found by principal-property-search, else beside the account's own), a principal URL or a
   * calendar URL on the account's server. Answers the owner and the calendars the account may read,
   * which `calendar.list` includes from now on. NOT_FOUND: no such person or calendar; FORBIDDEN:
   * they share nothing with this account.
   */
  'calendar.addShared': procedure({
    input: z.object({ accountId: AccountId, who: z.string().trim().min(1).max(2000) }).strict(),
    output: z.object({ owner: CalendarOwner, calendars: z.array(CalendarCollection) }),
  }),
  /**
   * Stops showing what `calendar.addShared` added: every source of this owner (`principalUrl`) or
   * the one calendar (`calendarUrl`). What the server itself shares into the home stays.
   */
  'calendar.removeShared': procedure({
    input: z
      .object({ accountId: AccountId, principalUrl: Url.optional(), calendarUrl: Url.optional() })
      .strict()
      .refine((v) => v.principalUrl !== undefined || v.calendarUrl !== undefined, 'Name the person (principalUrl) or the calendar (calendarUrl).'),
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
  /**
   * When each attendee is busy in [start, end) (ms), asked in this order until one answers: the
   * account's RFC 6638 scheduling outbox (a VFREEBUSY request), a free-busy-query REPORT (RFC 4791
   * §7.10) on `calendarUrls` (that person's calendars the account can see), else busy times computed
   * from those calendars' events. `source` null with a `problem` when nobody could say. Answers are
   * kept about a minute per account, address and window.
   */
  'calendar.freeBusy': procedure({
    input: z
      .object({
        accountId: AccountId,
        start: z.number().int(),
        end: z.number().int(),
        attendees: z.array(z.object({ address: z.string().min(3).max(320), calendarUrls: z.array(Url).max(20) }).strict()).min(1).max(50),
        /** IANA zone floating event times are read in (the user's); UTC when absent */
        zone: z.string().max(64).optional(),
      })
      .strict()
      .refine((input) => input.end > input.start && input.end - input.start <= 62 * 86_400_000, 'The window must end after it starts and span at most 62 days.'),
    output: z.array(FreeBusyAnswer),
  }),
}
