import type { DAVResponse } from 'tsdav'
import type { CalendarCollection, CalendarOwner } from '../../common/domain/calendar'
import { ensureSlash, hrefOf, textOf, type DavClient } from '../dav-client'
import { list, privilegesOf, reportsOf } from '../dav-properties'

/** What a calendar home is asked about each collection in it (one PROPFIND, Depth 1). */
const CALENDAR_PROPS = {
  'd:displayname': {},
  'd:resourcetype': {},
  'd:current-user-privilege-set': {},
  'd:supported-report-set': {},
  'd:sync-token': {},
  'cs:getctag': {},
  'c:supported-calendar-component-set': {},
  'c:calendar-description': {},
  'ca:calendar-color': {},
  'ca:calendar-order': {},
  'd:owner': {},
  'cs:shared-url': {},
}

/** RFC 3744 §3.1 privileges that allow changing a collection's members. */
const WRITE_PRIVILEGES = ['all', 'write', 'writeContent', 'bind']

/** RFC 3744 §3.1 privileges that allow reading a collection's members. */
const READ_PRIVILEGES = ['all', 'read']

/** Whose calendars a listing expects, and how to name someone else. */
export interface OwnerOptions {
  /** the account's own principal: a calendar it owns has owner null */
  me?: string
  /** the owner of every calendar listed (another person's home): skips asking DAV:owner */
  owner?: CalendarOwner
  /** names the principal at this URL (displayname, address); called for calendars someone else owns */
  describe?: (principalUrl: string, signal?: AbortSignal) => Promise<CalendarOwner>
}

/**
 * The calendars (VEVENT-capable collections) in every calendar home listed, each with its owner:
 * null for the account's own, else who shares it — DAV:owner (RFC 3744 §5.1) when it names someone
 * else, or the original's owner for a calendarserver.org sharee copy (CS:shared-url).
 */
export async function listCalendars(client: DavClient, homeUrls: string[], signal?: AbortSignal, owners: OwnerOptions = {}): Promise<CalendarCollection[]> {
  const calendars: CalendarCollection[] = []
  for (const home of homeUrls) {
    const responses = await client.propfind(home, CALENDAR_PROPS, '1', signal)
    for (const response of responses) {
      const calendar = toCalendar(response, home)
      if (!calendar || calendars.some((c) => c.url === calendar.url)) continue
      calendar.owner = owners.owner ?? (await ownerOf(client, response, home, owners, signal))
      // someone else's calendar the account cannot read is of no use in the list
      if (calendar.owner && privilegesOf(response.props?.currentUserPrivilegeSet)?.some((p) => READ_PRIVILEGES.includes(p)) === false) continue
      calendars.push(calendar)
    }
  }
  return calendars.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity) || a.name.localeCompare(b.name))
}

/** One calendar by its URL (a calendar someone shared by link); undefined when it is not a calendar of events. */
export async function readCalendar(client: DavClient, url: string, signal?: AbortSignal, owners: OwnerOptions = {}): Promise<CalendarCollection | undefined> {
  const [response] = (await client.propfind(url, CALENDAR_PROPS, '0', signal)).filter((r) => r.href && r.ok)
  if (!response) return undefined
  const calendar = toCalendar(response, url)
  if (!calendar) return undefined
  calendar.owner = owners.owner ?? (await ownerOf(client, response, url, owners, signal))
  return calendar
}

async function ownerOf(client: DavClient, response: DAVResponse, base: string, owners: OwnerOptions, signal?: AbortSignal): Promise<CalendarOwner | null> {
  let ownerHref = hrefOf(response.props?.owner)
  const sharedUrl = hrefOf(response.props?.sharedUrl)
  if (sharedUrl && owners.me && (!ownerHref || samePath(new URL(ownerHref, base).href, owners.me))) {
    // a sharee's copy names the sharee as owner on some servers: the original knows the sharer
    const original = new URL(sharedUrl, base).href
    if (client.trusts(original)) {
      const [answer] = await client.propfind(original, { 'd:owner': {} }, '0', signal).catch(() => [])
      ownerHref = hrefOf(answer?.props?.owner) ?? ownerHref
    }
  }
  if (!ownerHref) return null
  const principalUrl = new URL(ownerHref, base).href
  if (!owners.me || samePath(principalUrl, owners.me)) return null
  return owners.describe ? owners.describe(principalUrl, signal) : { name: null, address: null, principalUrl }
}

/** Two URLs of the same resource (with or without the final slash). */
export function samePath(a: string, b: string): boolean {
  return ensureSlash(a) === ensureSlash(b)
}

function toCalendar(response: DAVResponse, home: string): CalendarCollection | undefined {
  if (!response.href || !response.ok) return undefined
  const props = response.props ?? {}
  const types = Object.keys((props.resourcetype as object | undefined) ?? {})
  if (!types.includes('calendar')) return undefined // also skips the scheduling inbox and outbox (RFC 6638)
  const components = componentsOf(props.supportedCalendarComponentSet)
  if (components.length > 0 && !components.includes('VEVENT')) return undefined // task lists and journals
  const url = ensureSlash(new URL(response.href, home).href)
  const privileges = privilegesOf(props.currentUserPrivilegeSet)
  const order = Number(textOf(props.calendarOrder))
  return {
    url,
    name: textOf(props.displayname) ?? decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'Calendar'),
    color: colorOf(textOf(props.calendarColor)),
    description: textOf(props.calendarDescription) ?? null,
    // no privilege set at all (a server without RFC 3744): assume the owner may write
    readOnly: privileges !== undefined && !privileges.some((p) => WRITE_PRIVILEGES.includes(p)),
    components,
    syncCollection: reportsOf(props.supportedReportSet).includes('syncCollection') || textOf(props.syncToken) !== undefined,
    order: Number.isFinite(order) ? order : null,
    owner: null,
  }
}

/** Apple's calendar-color is #RRGGBB or #RRGGBBAA; Quire keeps #rrggbb. */
function colorOf(value: string | undefined): string | null {
  const match = value?.match(/^#([0-9a-f]{6})([0-9a-f]{2})?$/i)
  return match ? `#${match[1]!.toLowerCase()}` : null
}

/** RFC 4791 §5.2.3 supported-calendar-component-set: ["VEVENT", "VTODO", …]. */
function componentsOf(set: unknown): string[] {
  const comps = list((set as { comp?: unknown } | undefined)?.comp)
  return comps.map((c) => String((c as { _attributes?: { name?: unknown } })._attributes?.name ?? '').toUpperCase()).filter(Boolean)
}
