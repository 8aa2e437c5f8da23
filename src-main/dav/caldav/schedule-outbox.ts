import { randomUUID } from 'node:crypto'
import ICAL from 'ical.js'
import type { BusyPeriod } from '../../common/domain/free-busy'
import { davHttpError } from '../dav-errors'
import { hrefOf, hrefsOf, type DavClient } from '../dav-client'
import { periodsOfVFreeBusy } from './busy-periods'
import { davExchange } from './dav-exchange'

/** The principal's scheduling outbox and who it speaks as (RFC 6638 §2.1, §2.4.1). */
export interface ScheduleOutbox {
  url: string
  /** the Originator: the first mailto: of calendar-user-address-set */
  originator: string
}

/** Per recipient: the busy periods, or why the server could not say. */
export type OutboxAnswer = { periods: BusyPeriod[] } | { problem: string }

/** Reads schedule-outbox-URL and calendar-user-address-set of the principal; null when the server has no outbox. */
export async function findScheduleOutbox(client: DavClient, principalUrl: string, signal?: AbortSignal): Promise<ScheduleOutbox | null> {
  const [response] = await client.propfind(principalUrl, { 'c:schedule-outbox-URL': {}, 'c:calendar-user-address-set': {} }, '0', signal)
  const props = (response?.ok ? response.props : undefined) ?? {}
  const prop = (name: string) => Object.entries(props).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
  const outbox = hrefOf(prop('scheduleOutboxUrl'))
  const originator = hrefsOf(prop('calendarUserAddressSet')).find((href) => /^mailto:/i.test(href))
  if (!outbox || !originator) return null
  return { url: new URL(outbox, principalUrl).href, originator }
}

/**
 * RFC 6638 §5: one POST of a VFREEBUSY REQUEST to the outbox asks the server for the free/busy of
 * every recipient at once; the schedule-response carries, per recipient, a REQUEST-STATUS (2.x:
 * success, 3.7: unknown calendar user, 5.x: nobody to ask) and the VFREEBUSY REPLY.
 */
export async function outboxFreeBusy(
  client: DavClient,
  outbox: ScheduleOutbox,
  addresses: string[],
  start: number,
  end: number,
  signal?: AbortSignal,
): Promise<Map<string, OutboxAnswer>> {
  const request = new ICAL.Component(['vcalendar', [], []])
  request.addPropertyWithValue('version', '2.0')
  request.addPropertyWithValue('prodid', '-//Quire//Free-busy//EN')
  request.addPropertyWithValue('method', 'REQUEST')
  const vfreebusy = new ICAL.Component('vfreebusy')
  vfreebusy.addPropertyWithValue('uid', randomUUID())
  vfreebusy.addPropertyWithValue('dtstamp', utc(Date.now()))
  vfreebusy.addPropertyWithValue('dtstart', utc(start))
  vfreebusy.addPropertyWithValue('dtend', utc(end))
  vfreebusy.addPropertyWithValue('organizer', outbox.originator)
  for (const address of addresses) vfreebusy.addPropertyWithValue('attendee', `mailto:${address}`)
  request.addSubcomponent(vfreebusy)

  const answer = await davExchange(
    client,
    outbox.url,
    {
      method: 'POST',
      headers: {
        'Content-Type': 'text/calendar; charset=utf-8',
        Originator: outbox.originator,
        Recipient: addresses.map((a) => `mailto:${a}`).join(', '),
      },
      body: request.toString().replace(/\r?\n/g, '\r\n') + '\r\n',
    },
    signal,
  )
  if (answer.status < 200 || answer.status >= 300) throw davHttpError(answer.status, outbox.url, client.serverLabel, answer.text)
  const responses = scheduleResponses(answer.text)
  const out = new Map<string, OutboxAnswer>()
  for (const { recipient, status, data } of responses) {
    const address = recipient.replace(/^mailto:/i, '').toLowerCase()
    if (!status.startsWith('2.') || !data) {
      out.set(address, { problem: `the server's scheduling does not know this person (${status || 'no status'})` })
      continue
    }
    try {
      out.set(address, { periods: periodsOfVFreeBusy(data, start, end) })
    } catch (error) {
      out.set(address, { problem: `the server's answer could not be read (${(error as Error).message})` })
    }
  }
  return out
}

/**
 * The <C:response> elements of a schedule-response (RFC 6638 §10.2). Its elements hold no nested
 * namesakes, so matching start and end tags by local name (any prefix) reads it whole.
 */
function scheduleResponses(xml: string): { recipient: string; status: string; data: string | undefined }[] {
  const responses = [...xml.matchAll(/<(?:[\w-]+:)?response\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?response>/g)].map((m) => m[1]!)
  return responses.map((body) => ({
    recipient: (decode(inner(body, 'href')) ?? '').trim(),
    status: (decode(inner(body, 'request-status')) ?? '').trim(),
    data: decode(inner(body, 'calendar-data')),
  }))
}

function inner(xml: string, name: string): string | undefined {
  const match = new RegExp(`<(?:[\\w-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml)
  return match?.[1]
}

/** Element text: CDATA as it is, else with the five XML entities and character references decoded. */
function decode(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(text)
  if (cdata) return cdata[1]
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

function utc(ms: number): InstanceType<typeof ICAL.Time> {
  const d = new Date(ms)
  return ICAL.Time.fromData({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), isDate: false }, ICAL.Timezone.utcTimezone)
}

