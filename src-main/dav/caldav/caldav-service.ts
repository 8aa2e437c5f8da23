import type { LookupFunction } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { QuireError } from '../../common/contract'
import type { AccountId } from '../../common/domain/account'
import type { CalendarChanges, CalendarCollection, CalendarCursor, CalendarObject, CalendarScheduling } from '../../common/domain/calendar'
import type { DavAccount } from '../../common/domain/dav-account'
import { createDavClient, type DavClient, type DavDiscovery } from '../dav-client'
import { DavSessions } from '../dav-sessions'
import { listCalendars } from './calendar-list'
import { inboxMessages, schedulingOf } from './calendar-scheduling'
import { calendarChanges, fetchObjects } from './calendar-sync'
import { deleteObject, putObject } from './calendar-write'

/** What the CalDAV service needs of the DAV account registry. */
export interface DavAccountSource {
  get(id: AccountId): DavAccount
  password(id: AccountId): Promise<string>
  onChange(listener: (accounts: DavAccount[]) => void): () => void
}

export interface CalDavServiceOptions {
  tls?: (host: string, port: number) => ConnectionOptions
  lookup?: LookupFunction
  timeoutMs?: number
  srv?: boolean
}

interface Session {
  client: DavClient
  discovery: DavDiscovery
  calendars: Map<string, CalendarCollection>
}

/**
 * CalDAV for every DAV account: one discovered session per account (dropped when its settings
 * change or it fails in a way rediscovery may cure), and the calendar operations of the contract.
 * It keeps no calendar data: cursors, objects and ETags live in the renderer's store.
 */
export class CalDavService {
  private readonly sessions = new DavSessions<Session>((accountId, signal) => this.open(accountId, signal))
  private readonly unsubscribe: () => void

  constructor(
    private readonly accounts: DavAccountSource,
    private readonly options: CalDavServiceOptions = {},
  ) {
    // any change may be a new password, which the list does not show: start every session afresh
    this.unsubscribe = accounts.onChange(() => this.sessions.clear())
  }

  close(): void {
    this.unsubscribe()
    this.sessions.clear()
  }

  async list(accountId: AccountId, signal?: AbortSignal): Promise<CalendarCollection[]> {
    return this.sessions.with(accountId, signal, async (session) => {
      const calendars = await listCalendars(session.client, session.discovery.homeUrls, signal)
      session.calendars = new Map(calendars.map((c) => [c.url, c]))
      return calendars
    })
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
      const calendar = await this.calendar(session, calendarUrl, signal)
      return calendarChanges(session.client, calendar, cursor, signal)
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
      return putObject(session.client, href, data, etag, signal)
    })
  }

  async delete(accountId: AccountId, calendarUrl: string, href: string, etag: string | null, signal?: AbortSignal): Promise<void> {
    return this.sessions.with(accountId, signal, (session) => {
      assertMember(session.client, calendarUrl, href)
      return deleteObject(session.client, href, etag, signal)
    })
  }

  private async calendar(session: Session, url: string, signal?: AbortSignal): Promise<CalendarCollection> {
    session.client.assertTrusted(url)
    if (!session.calendars.has(url)) {
      const calendars = await listCalendars(session.client, session.discovery.homeUrls, signal)
      session.calendars = new Map(calendars.map((c) => [c.url, c]))
    }
    const calendar = session.calendars.get(url)
    if (!calendar) throw new QuireError('NOT_FOUND', { message: 'This calendar no longer exists on the server.', details: { url } })
    return calendar
  }

  private async open(accountId: AccountId, signal?: AbortSignal): Promise<Session> {
    const account = this.accounts.get(accountId)
    if (!account.calendars) throw new QuireError('BAD_INPUT', { message: `Calendars are turned off for ${account.name}.` })
    const password = await this.accounts.password(accountId)
    const client = createDavClient({ serverUrl: account.serverUrl, username: account.username, password }, 'caldav', {
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      ...(this.options.lookup ? { lookup: this.options.lookup } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.srv !== undefined ? { srv: this.options.srv } : {}),
    })
    const discovery = await client.discover(signal)
    return { client, discovery, calendars: new Map() }
  }
}

/** An object URL must lie inside the calendar it is written to, on the account's server. */
function assertMember(client: DavClient, calendarUrl: string, href: string): void {
  client.assertTrusted(calendarUrl)
  client.assertTrusted(href)
  if (!href.startsWith(calendarUrl) || href === calendarUrl) {
    throw new QuireError('BAD_INPUT', { message: `${href} is not an object in the calendar ${calendarUrl}.` })
  }
}
