import { QuireError } from '../../common/contract'
import type { AccountId } from '../../common/domain/account'
import type { CalendarChanges, CalendarCollection, CalendarCursor, CalendarObject, CalendarOwner, CalendarScheduling } from '../../common/domain/calendar'
import type { FreeBusyAnswer } from '../../common/domain/free-busy'
import { collectionChanges } from '../collection-changes'
import type { DavClient, DavClientOptions, DavDiscovery } from '../dav-client'
import { DavSessions, discoverAccount, type DavAccountSource } from '../dav-sessions'
import { listCalendars, readCalendar, samePath, type OwnerOptions } from './calendar-list'
import { inboxMessages, schedulingOf } from './calendar-scheduling'
import { fetchObjects } from './calendar-sync'
import { FreeBusyLookup, type FreeBusyRequest } from './free-busy'
import { deleteObject, putObject } from './calendar-write'
import { delegatorsOf, describePrincipal, ownerOf, readPrincipal, resolveSharedTarget } from './principal-lookup'
import { SharedCalendarSources, type SharedSource } from './shared-calendar-sources'

export interface CalDavServiceOptions extends DavClientOptions {
  /** the shared calendars the user added (persisted by main); in memory when not given */
  shared?: SharedCalendarSources
}

interface Session {
  client: DavClient
  discovery: DavDiscovery
  calendars: Map<string, CalendarCollection>
  /** other people's names and addresses, asked once per session */
  owners: Map<string, Promise<CalendarOwner>>
}

/** Errors that mean a shared source is gone or no longer shared: it is left out of the list, not fatal to it. */
const UNSHARED = new Set(['FORBIDDEN', 'NOT_FOUND'])

/**
 * CalDAV for every DAV account: one discovered session per account (dropped when its settings
 * change or it fails in a way rediscovery may cure), and the calendar operations of the contract.
 * It keeps no calendar data: cursors, objects and ETags live in the renderer's store.
 */
export class CalDavService {
  private readonly sessions = new DavSessions<Session>((accountId, signal) => this.open(accountId, signal))
  private readonly freeBusyLookup = new FreeBusyLookup()
  private readonly unsubscribe: () => void
  private readonly shared: SharedCalendarSources

  constructor(
    private readonly accounts: DavAccountSource,
    private readonly options: CalDavServiceOptions = {},
  ) {
    this.shared = options.shared ?? SharedCalendarSources.inMemory()
    // any change may be a new password, which the list does not show: start every session afresh
    this.unsubscribe = accounts.onChange((list) => {
      this.sessions.clear()
      void this.shared.retain(list.map((a) => a.id)).catch((error: unknown) => console.error('[quire] shared calendars could not be saved:', error))
    })
  }

  close(): void {
    this.unsubscribe()
    this.sessions.clear()
  }

  async list(accountId: AccountId, signal?: AbortSignal): Promise<CalendarCollection[]> {
    return this.sessions.with(accountId, signal, (session) => this.listAll(accountId, session, signal))
  }

  /**
   * Adds someone's calendars (`who`: their email address, principal URL or a calendar URL) to the
   * account, for `list` to include from now on. Nothing is saved when nothing readable is found.
   */
  async addShared(accountId: AccountId, who: string, signal?: AbortSignal): Promise<{ owner: CalendarOwner; calendars: CalendarCollection[] }> {
    return this.sessions.with(accountId, signal, async (session) => {
      const { client, discovery } = session
      const me = discovery.principalUrl
      const target = await resolveSharedTarget(client, me, who, signal)
      let source: SharedSource
      let calendars: CalendarCollection[]
      if (target.kind === 'principal') {
        if (samePath(target.principal.principalUrl, me)) throw new QuireError('BAD_INPUT', { message: 'That is you: your own calendars are already listed.', details: { who } })
        const label = target.owner.name ?? target.owner.address ?? who
        if (target.principal.homeUrls.length === 0) {
          throw new QuireError('FORBIDDEN', { message: `${label} does not let you see their calendars on this server.`, details: { who } })
        }
        calendars = await listCalendars(client, target.principal.homeUrls, signal, { owner: target.owner }).catch((error: unknown) => {
          if (error instanceof QuireError && error.code === 'FORBIDDEN') return []
          throw error
        })
        if (calendars.length === 0) throw new QuireError('FORBIDDEN', { message: `${label} has not shared any calendar with you.`, details: { who } })
        source = { owner: target.owner, calendarUrl: null }
      } else {
        const calendar = await readCalendar(client, target.url, signal, this.ownerOptions(session))
        if (!calendar) throw new QuireError('NOT_FOUND', { message: `${target.url} is not a calendar of events.`, details: { who } })
        if (!calendar.owner && discovery.homeUrls.some((home) => calendar.url.startsWith(home))) {
          throw new QuireError('BAD_INPUT', { message: `“${calendar.name}” is one of your own calendars; it is already listed.`, details: { who } })
        }
        calendar.owner ??= { name: null, address: null, principalUrl: null }
        calendars = [calendar]
        source = { owner: calendar.owner, calendarUrl: calendar.url }
      }
      await this.shared.add(accountId, source)
      for (const calendar of calendars) session.calendars.set(calendar.url, calendar)
      return { owner: source.owner, calendars }
    })
  }

  /** Stops listing what `addShared` added for this person or calendar. */
  async removeShared(accountId: AccountId, which: { principalUrl?: string | undefined; calendarUrl?: string | undefined }): Promise<void> {
    this.accounts.get(accountId)
    await this.shared.remove(accountId, which)
  }

  async scheduling(accountId: AccountId, signal?: AbortSignal): Promise<CalendarScheduling> {
    return this.sessions.with(accountId, signal, (session) => schedulingOf(session.client, session.discovery, signal))
  }

  async inbox(accountId: AccountId, signal?: AbortSignal): Promise<CalendarObject[]> {
    return this.sessions.with(accountId, signal, async (session) => {
      const { inboxUrl } = await schedulingOf(session.client, session.discovery, signal)
      return inboxUrl ? inboxMessages(session.client, inboxUrl, signal) : []
    })
  }

  async deleteFromInbox(accountId: AccountId, href: string, etag: string | null, signal?: AbortSignal): Promise<void> {
    return this.sessions.with(accountId, signal, async (session) => {
      const { inboxUrl } = await schedulingOf(session.client, session.discovery, signal)
      if (!inboxUrl) throw new QuireError('NOT_FOUND', { message: 'This account has no scheduling inbox.' })
      assertMember(session.client, inboxUrl, href)
      await session.client.delete(href, etag, signal)
    })
  }

  async changes(accountId: AccountId, calendarUrl: string, cursor: CalendarCursor | null, signal?: AbortSignal): Promise<CalendarChanges> {
    return this.sessions.with(accountId, signal, async (session) => {
      const calendar = await this.calendar(session, accountId, calendarUrl, signal)
      return collectionChanges(session.client, calendar, cursor, signal)
    })
  }

  async fetch(accountId: AccountId, calendarUrl: string, hrefs: string[], signal?: AbortSignal): Promise<{ objects: CalendarObject[]; missing: string[] }> {
    return this.sessions.with(accountId, signal, (session) => {
      for (const url of [calendarUrl, ...hrefs]) session.client.assertTrusted(url)
      return fetchObjects(session.client, calendarUrl, hrefs, signal)
    })
  }

  async put(accountId: AccountId, calendarUrl: string, href: string, etag: string | null, data: string, signal?: AbortSignal) {
    return this.sessions.with(accountId, signal, (session) => {
      assertMember(session.client, calendarUrl, href)
      return putObject(session.client, href, data, etag, signal).catch(async (error: unknown) => {
        throw await this.explainRefusal(session, accountId, calendarUrl, error, signal)
      })
    })
  }

  async delete(accountId: AccountId, calendarUrl: string, href: string, etag: string | null, signal?: AbortSignal): Promise<void> {
    return this.sessions.with(accountId, signal, (session) => {
      assertMember(session.client, calendarUrl, href)
      return deleteObject(session.client, href, etag, signal).catch(async (error: unknown) => {
        throw await this.explainRefusal(session, accountId, calendarUrl, error, signal)
      })
    })
  }

  /** Other people's busy times, from the first source that can say (free-busy.ts). */
  async freeBusy(accountId: AccountId, request: FreeBusyRequest, signal?: AbortSignal): Promise<FreeBusyAnswer[]> {
    return this.sessions.with(accountId, signal, (session) => this.freeBusyLookup.lookup(accountId, session.client, session.discovery.principalUrl, request, signal))
  }

  /**
   * The account's own calendars, then what others share with it: what the server offers by itself
   * (shared into the home — listed with it — and calendar-proxy delegation), then what the user added.
   * A source no longer shared (403, 404) is left out; any other failure fails the listing.
   */
  private async listAll(accountId: AccountId, session: Session, signal?: AbortSignal): Promise<CalendarCollection[]> {
    const { client, discovery } = session
    const calendars = await listCalendars(client, discovery.homeUrls, signal, this.ownerOptions(session))
    const add = (found: CalendarCollection[]) => {
      for (const calendar of found) if (!calendars.some((c) => c.url === calendar.url)) calendars.push(calendar)
    }
    const skipUnshared = (error: unknown): CalendarCollection[] => {
      if (error instanceof QuireError && UNSHARED.has(error.code)) return []
      throw error
    }
    const delegators = await delegatorsOf(client, discovery.principalUrl, signal)
    for (const [principals, writable] of [
      [delegators.write, true],
      [delegators.read, false],
    ] as const) {
      for (const url of principals) {
        const found = await this.principalCalendars(session, { owner: { name: null, address: null, principalUrl: url }, calendarUrl: null }, signal).catch(skipUnshared)
        add(writable ? found : found.map((c) => ({ ...c, readOnly: true })))
      }
    }
    for (const source of this.shared.list(accountId)) {
      if (source.calendarUrl === null) add(await this.principalCalendars(session, source, signal).catch(skipUnshared))
      else {
        const calendar = await readCalendar(client, source.calendarUrl, signal, this.ownerOptions(session)).catch(() => undefined)
        if (calendar) add([{ ...calendar, owner: mergeOwner(calendar.owner, source.owner) }])
      }
    }
    session.calendars = new Map(calendars.map((c) => [c.url, c]))
    return calendars
  }

  /** Every calendar this account may read in the calendar home of the source's person. */
  private async principalCalendars(session: Session, source: SharedSource, signal?: AbortSignal): Promise<CalendarCollection[]> {
    const url = source.owner.principalUrl
    if (!url) return []
    const principal = await readPrincipal(session.client, url, signal)
    if (!principal || principal.homeUrls.length === 0) return []
    const owner = mergeOwner(ownerOf(principal), source.owner)
    return listCalendars(session.client, principal.homeUrls, signal, { owner })
  }

  private async explainRefusal(session: Session, accountId: AccountId, calendarUrl: string, error: unknown, signal?: AbortSignal): Promise<unknown> {
    if (!(error instanceof QuireError) || error.code !== 'FORBIDDEN') return error
    return refusedByOwner(error, await this.calendar(session, accountId, calendarUrl, signal).catch(() => undefined))
  }

  private ownerOptions(session: Session): OwnerOptions {
    return {
      me: session.discovery.principalUrl,
      describe: (url, signal) => {
        let owner = session.owners.get(url)
        if (!owner) {
          owner = describePrincipal(session.client, url, signal)
          session.owners.set(url, owner)
          owner.catch(() => session.owners.delete(url))
        }
        return owner
      },
    }
  }

  private async calendar(session: Session, accountId: AccountId, url: string, signal?: AbortSignal): Promise<CalendarCollection> {
    session.client.assertTrusted(url)
    if (!session.calendars.has(url)) await this.listAll(accountId, session, signal)
    const calendar = session.calendars.get(url)
    if (!calendar) throw new QuireError('NOT_FOUND', { message: 'This calendar no longer exists on the server, or is no longer shared with you.', details: { url } })
    return calendar
  }

  private async open(accountId: AccountId, signal?: AbortSignal): Promise<Session> {
    return { ...(await discoverAccount(this.accounts, accountId, 'caldav', this.options, signal)), calendars: new Map(), owners: new Map() }
  }

}

/** What is newly read of an owner, completed by what was known when the user added them (e.g. the address typed). */
function mergeOwner(fresh: CalendarOwner | null, known: CalendarOwner): CalendarOwner {
  if (!fresh) return known
  return { name: fresh.name ?? known.name, address: fresh.address ?? known.address, principalUrl: fresh.principalUrl ?? known.principalUrl }
}

/**
 * A 403 on someone else's calendar, told as what it is: its owner does not let this account change
 * it. The server decides, not the readOnly flag: rights may have changed since the last listing.
 */
function refusedByOwner(error: unknown, calendar: CalendarCollection | undefined): unknown {
  if (!(error instanceof QuireError) || error.code !== 'FORBIDDEN' || !calendar?.owner) return error
  const who = calendar.owner.name ?? calendar.owner.address ?? 'The owner'
  return new QuireError('FORBIDDEN', {
    message: `${who} doesn’t let you change events in “${calendar.name}”: the server refused the change (403 Forbidden).`,
    details: { ...error.details, owner: calendar.owner },
    cause: error,
  })
}

/** An object URL must lie inside the calendar it is written to, on the account's server. */
function assertMember(client: DavClient, calendarUrl: string, href: string): void {
  client.assertTrusted(calendarUrl)
  client.assertTrusted(href)
  if (!href.startsWith(calendarUrl) || href === calendarUrl) {
    throw new QuireError('BAD_INPUT', { message: `${href} is not an object in the calendar ${calendarUrl}.` })
  }
}
