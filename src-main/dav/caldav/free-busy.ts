import { QuireError } from '../../common/contract'
import type { AccountId } from '../../common/domain/account'
import type { BusyPeriod, FreeBusyAnswer, FreeBusySource } from '../../common/domain/free-busy'
import type { DavClient } from '../dav-client'
import { normalizedPeriods } from './busy-periods'
import { FreeBusyQueryUnsupported, freeBusyQuery } from './free-busy-query'
import { findScheduleOutbox, outboxFreeBusy, type ScheduleOutbox } from './schedule-outbox'
import { sharedCalendarBusy } from './shared-calendar-busy'

export interface FreeBusyRequest {
  start: number
  end: number
  /** per person: the URLs of their calendars this account can see (shared with it), maybe none */
  attendees: { address: string; calendarUrls: string[] }[]
  zone?: string | undefined
}

/** An answer stays this long: long enough for a scheduling session, short enough to notice a new meeting. */
const CACHE_MS = 90_000
/** the account's own failures: no other source can do better, so they reach the user as they are */
const FATAL = new Set(['CANCELLED', 'AUTH_FAILED'])

/**
 * Free/busy of other people, per attendee from the first source that can say (issue order):
 * 1. the server's scheduling (RFC 6638 outbox POST), which sees all of that person's calendars;
 * 2. free-busy-query (RFC 4791 §7.10) on each calendar of theirs we know, which needs only
 *    read-free-busy; 3. busy times computed from those calendars' events, which needs read.
 * Answers are cached per account, address, window and zone for a short while.
 */
export class FreeBusyLookup {
  private readonly cache = new Map<string, { answer: FreeBusyAnswer; expires: number }>()
  private readonly outboxes = new WeakMap<DavClient, Promise<ScheduleOutbox | null>>()

  constructor(private readonly now: () => number = Date.now) {}

  async lookup(accountId: AccountId, client: DavClient, principalUrl: string, request: FreeBusyRequest, signal?: AbortSignal): Promise<FreeBusyAnswer[]> {
    const { start, end } = request
    const zone = request.zone ?? 'UTC'
    const now = this.now()
    for (const [key, entry] of this.cache) if (entry.expires <= now) this.cache.delete(key)

    const people = new Map<string, string[]>()
    for (const attendee of request.attendees) {
      const address = attendee.address.replace(/^mailto:/i, '').trim().toLowerCase()
      people.set(address, [...new Set([...(people.get(address) ?? []), ...attendee.calendarUrls])])
    }
    const keyOf = (address: string) => [accountId, address, start, end, zone].join('\n')
    const answers = new Map<string, FreeBusyAnswer>()
    const reasons = new Map<string, string[]>()
    const reason = (address: string, text: string) => reasons.set(address, [...(reasons.get(address) ?? []), text])
    const answer = (address: string, source: FreeBusySource, periods: BusyPeriod[]) => {
      const result: FreeBusyAnswer = { address, source, checkedAt: this.now(), periods: normalizedPeriods(periods, start, end), problem: null }
      answers.set(address, result)
      this.cache.set(keyOf(address), { answer: result, expires: result.checkedAt + CACHE_MS })
    }
    for (const address of people.keys()) {
      const cached = this.cache.get(keyOf(address))
      if (cached) answers.set(address, cached.answer)
    }
    const open = () => [...people.keys()].filter((a) => !answers.has(a))

    // 1. RFC 6638 scheduling: one POST asks for everyone still open
    if (open().length > 0) {
      try {
        const outbox = await this.outbox(client, principalUrl, signal)
        if (!outbox) {
          for (const address of open()) reason(address, 'the server offers no free/busy look-up (RFC 6638 scheduling)')
        } else {
          const results = await outboxFreeBusy(client, outbox, open(), start, end, signal)
          for (const address of open()) {
            const result = results.get(address)
            if (result && 'periods' in result) answer(address, 'schedule-outbox', result.periods)
            else reason(address, result?.problem ?? 'the server’s scheduling gave no answer for this person')
          }
        }
      } catch (error) {
        rethrowFatal(error)
        this.outboxes.delete(client)
        for (const address of open()) reason(address, `the server’s scheduling failed (${messageOf(error)})`)
      }
    }

    for (const address of open()) {
      const known = people.get(address)!
      const urls = known.filter((url) => client.trusts(url))
      if (urls.length < known.length) reason(address, 'some of their calendars are on another server')
      if (urls.length === 0) {
        reason(address, known.length === 0 ? 'none of their calendars is shared with you' : 'none of their calendars is on this account’s server')
        continue
      }
      // 2. free-busy-query on each of their calendars: all must answer, or the picture is partial
      try {
        const periods: BusyPeriod[] = []
        for (const url of urls) periods.push(...(await freeBusyQuery(client, url, start, end, signal)))
        answer(address, 'free-busy-query', periods)
        continue
      } catch (error) {
        rethrowFatal(error)
        reason(address, `free-busy-query: ${messageOf(error)}`)
      }
      // 3. their events, read from the calendars they share
      try {
        const periods: BusyPeriod[] = []
        for (const url of urls) periods.push(...(await sharedCalendarBusy(client, url, start, end, zone, signal)).periods)
        answer(address, 'shared-calendar', periods)
      } catch (error) {
        rethrowFatal(error)
        reason(address, error instanceof QuireError && error.code === 'FORBIDDEN' ? 'you may not read their shared calendar' : `their shared calendar could not be read (${messageOf(error)})`)
      }
    }

    return [...people.keys()].map(
      (address) =>
        answers.get(address) ?? {
          address,
          source: null,
          checkedAt: this.now(),
          periods: [],
          problem: `No free/busy information for ${address}: ${(reasons.get(address) ?? ['nobody could say']).join('; ')}.`,
        },
    )
  }

  /** The principal's outbox, looked up once per session (client). */
  private outbox(client: DavClient, principalUrl: string, signal?: AbortSignal): Promise<ScheduleOutbox | null> {
    let found = this.outboxes.get(client)
    if (!found) {
      found = findScheduleOutbox(client, principalUrl, signal)
      this.outboxes.set(client, found)
    }
    return found
  }
}

function rethrowFatal(error: unknown): void {
  if (error instanceof QuireError && FATAL.has(error.code)) throw error
}

function messageOf(error: unknown): string {
  if (error instanceof FreeBusyQueryUnsupported) return error.message
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error)
}
