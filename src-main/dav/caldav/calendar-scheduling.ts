import type { CalendarObject, CalendarScheduling } from '../../common/domain/calendar'
import { hrefOf, hrefsOf, type DavClient, type DavDiscovery } from '../dav-client'

/**
 * RFC 6638 on the principal: calendar-user-address-set (§2.4.1), schedule-inbox-URL and
 * schedule-outbox-URL (§2.2, §2.1), and the home's DAV header, which says `calendar-auto-schedule`
 * (§8.2) when the server delivers invitations and replies itself. A server without scheduling
 * (Radicale) answers 404 for the properties: then nothing is known and Quire sends iMIP.
 */
export async function schedulingOf(client: DavClient, discovery: DavDiscovery, signal?: AbortSignal): Promise<CalendarScheduling> {
  const responses = await client.propfind(discovery.principalUrl, { 'c:calendar-user-address-set': {}, 'c:schedule-inbox-URL': {}, 'c:schedule-outbox-URL': {} }, '0', signal)
  const props = responses.find((r) => r.ok)?.props ?? {}
  const absolute = (href: string | undefined) => (href ? new URL(href, discovery.principalUrl).href : null)
  const addresses = hrefsOf(props.calendarUserAddressSet)
    .filter((href) => /^mailto:/i.test(href))
    .map((href) => decodeURIComponent(href.slice(7)).toLowerCase())
  const inboxUrl = absolute(hrefOf(props.scheduleInboxURL ?? props.scheduleInboxUrl))
  const outboxUrl = absolute(hrefOf(props.scheduleOutboxURL ?? props.scheduleOutboxUrl))
  const classes = discovery.homeUrls[0] ? await client.davClasses(discovery.homeUrls[0], signal) : []
  return { addresses: [...new Set(addresses)], serverSchedules: classes.includes('calendar-auto-schedule') && outboxUrl !== null, inboxUrl, outboxUrl }
}

const MAX_INBOX = 200

/** The messages in a schedule inbox (RFC 6638 §2.2): every member, read by GET, oldest name first. */
export async function inboxMessages(client: DavClient, inboxUrl: string, signal?: AbortSignal): Promise<CalendarObject[]> {
  const responses = await client.propfind(inboxUrl, { 'd:getetag': {} }, '1', signal)
  const hrefs = responses
    .filter((r) => r.ok && r.href)
    .map((r) => new URL(r.href!, inboxUrl).href)
    .filter((href) => href.replace(/\/$/, '') !== inboxUrl.replace(/\/$/, '') && href.startsWith(inboxUrl))
    .sort()
    .slice(0, MAX_INBOX)
  const objects: CalendarObject[] = []
  for (const href of hrefs) {
    const resource = await client.get(href, signal)
    if (resource) objects.push({ href, etag: resource.etag, data: resource.data })
  }
  return objects
}
