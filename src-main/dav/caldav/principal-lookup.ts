import type { DAVResponse } from 'tsdav'
import { QuireError } from '../../common/contract'
import type { CalendarOwner } from '../../common/domain/calendar'
import { ensureSlash, hrefsOf, textOf, type DavClient } from '../dav-client'

const NS = { 'xmlns:d': 'DAV:', 'xmlns:c': 'urn:ietf:params:xml:ns:caldav', 'xmlns:cs': 'http://calendarserver.org/ns/' }

/** What is asked about a principal (RFC 3744 §4, RFC 4791 §6.2.1, RFC 6638 §2.4.1). */
const PRINCIPAL_PROPS = {
  'd:displayname': {},
  'd:resourcetype': {},
  'c:calendar-home-set': {},
  'c:calendar-user-address-set': {},
}

/** Another person on the account's server, as their principal resource describes them. */
export interface Principal {
  principalUrl: string
  /** DAV:displayname; null when the server keeps none (Radicale) */
  name: string | null
  /** the mailto: addresses of calendar-user-address-set, lowercased, without "mailto:" */
  addresses: string[]
  /** calendar-home-set; empty when the server does not let this account read it */
  homeUrls: string[]
}

/** What the user typed, resolved: someone's principal, or one calendar. */
export type SharedTarget = { kind: 'principal'; principal: Principal; owner: CalendarOwner } | { kind: 'calendar'; url: string }

/** A plain email address (or mailto: URI), lowercased; undefined when `text` is not one. */
export function emailOf(text: string): string | undefined {
  const value = text.trim().replace(/^mailto:/i, '')
  return /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value) ? value.toLowerCase() : undefined
}

/** The owner as a calendar names them; `typed` is the address the user found them by. */
export function ownerOf(principal: Principal, typed?: string): CalendarOwner {
  const address = (typed && principal.addresses.includes(typed) ? typed : principal.addresses[0]) ?? typed ?? null
  return { name: principal.name, address, principalUrl: principal.principalUrl }
}

/**
 * Reads a principal's name, addresses and calendar home (PROPFIND Depth 0). Undefined when the
 * URL names no principal (404, or a resource that is not one); FORBIDDEN when it may not be read.
 */
export async function readPrincipal(client: DavClient, url: string, signal?: AbortSignal): Promise<Principal | undefined> {
  let responses: DAVResponse[]
  try {
    responses = await client.propfind(url, PRINCIPAL_PROPS, '0', signal)
  } catch (error) {
    if (error instanceof QuireError && error.code === 'NOT_FOUND') return undefined
    throw error
  }
  const response = responses.find((r) => r.href && r.ok)
  if (!response) {
    if (responses.some((r) => r.status === 403)) throw new QuireError('FORBIDDEN', { details: { url } })
    return undefined
  }
  const props = response.props ?? {}
  const types = Object.keys((props.resourcetype as object | undefined) ?? {})
  const homes = hrefsOf(props.calendarHomeSet)
  if (!types.includes('principal') && homes.length === 0) return undefined
  const principalUrl = ensureSlash(new URL(response.href ?? url, url).href)
  return principalFrom(principalUrl, props)
}

function principalFrom(principalUrl: string, props: Record<string, unknown>): Principal {
  return {
    principalUrl,
    name: textOf(props.displayname) ?? null,
    addresses: hrefsOf(props.calendarUserAddressSet)
      .filter((href) => /^mailto:/i.test(href))
      .map((href) => decodeURIComponent(href.slice('mailto:'.length)).toLowerCase()),
    homeUrls: [...new Set(hrefsOf(props.calendarHomeSet).map((href) => ensureSlash(new URL(href, principalUrl).href)))],
  }
}

/** The owner of a calendar, named as well as the server lets this account see: never fails for want of rights. */
export async function describePrincipal(client: DavClient, principalUrl: string, signal?: AbortSignal): Promise<CalendarOwner> {
  try {
    const principal = await readPrincipal(client, principalUrl, signal)
    if (principal) return ownerOf(principal)
  } catch (error) {
    if (!(error instanceof QuireError) || !['FORBIDDEN', 'NOT_FOUND', 'BAD_INPUT'].includes(error.code)) throw error
  }
  return { name: null, address: null, principalUrl }
}

/**
 * Finds the principal whose calendar-user-address-set holds `address`: RFC 3744 §9.4
 * principal-property-search where the server answers it (Cyrus, DAViCal, SOGo …), else the
 * principal beside the account's own named after the address (/bob/ → /alice/,
 * /dav/principals/user/bob/ → …/alice/ or …/alice@example.test/), as Radicale lays them out.
 */
export async function findPrincipalByAddress(client: DavClient, me: string, address: string, signal?: AbortSignal): Promise<Principal> {
  const searched = await searchByAddress(client, me, address, signal)
  if (searched) return searched
  let forbidden = false
  for (const candidate of siblingsOf(me, address)) {
    try {
      const principal = await readPrincipal(client, candidate, signal)
      if (principal) return principal
    } catch (error) {
      if (!(error instanceof QuireError) || error.code !== 'FORBIDDEN') throw error
      forbidden = true
    }
  }
  if (forbidden) {
    throw new QuireError('FORBIDDEN', { message: `${address} has not shared any calendar with you on this server.`, details: { who: address } })
  }
  throw new QuireError('NOT_FOUND', { message: `No one with the address ${address} was found on this calendar server. Check the address, or enter the URL of their calendar.`, details: { who: address } })
}

async function searchByAddress(client: DavClient, me: string, address: string, signal?: AbortSignal): Promise<Principal | undefined> {
  for (const collection of await principalCollections(client, me, signal)) {
    let responses: DAVResponse[]
    try {
      responses = await client.report(
        collection,
        {
          'principal-property-search': {
            _attributes: { ...NS, test: 'anyof' },
            'property-search': { prop: { 'c:calendar-user-address-set': {} }, match: `mailto:${address}` },
            prop: PRINCIPAL_PROPS,
          },
        },
        '0',
        signal,
      )
    } catch (error) {
      if (error instanceof QuireError && error.code === 'CANCELLED') throw error
      continue // not supported here (405, 501, 403): the layout guess follows
    }
    for (const response of responses) {
      if (!response.href || !response.ok) continue
      const principal = principalFrom(ensureSlash(new URL(response.href, collection).href), response.props ?? {})
      // servers match substrings: only an exact address counts
      if (principal.addresses.includes(address)) return principal
    }
  }
  return undefined
}

/** RFC 3744 §5.8 principal-collection-set of the account's principal, else the collection it lies in. */
async function principalCollections(client: DavClient, me: string, signal?: AbortSignal): Promise<string[]> {
  try {
    const [response] = await client.propfind(me, { 'd:principal-collection-set': {} }, '0', signal)
    const hrefs = hrefsOf(response?.props?.principalCollectionSet).map((href) => ensureSlash(new URL(href, me).href))
    if (hrefs.length > 0) return hrefs.filter((url) => client.trusts(url))
  } catch (error) {
    if (error instanceof QuireError && error.code === 'CANCELLED') throw error
  }
  return [new URL('..', ensureSlash(me)).href]
}

/** Where the address's principal would be if the server names principals after their users. */
export function siblingsOf(me: string, address: string): string[] {
  const parent = new URL('..', ensureSlash(me)).href
  const local = address.split('@')[0]!
  return [...new Set([local, address].map((name) => new URL(`${encodeURIComponent(name)}/`, parent).href))]
}

/**
 * Resolves what the user typed when adding someone's calendars: an email address, a principal URL,
 * or a calendar URL on the account's server.
 */
export async function resolveSharedTarget(client: DavClient, me: string, who: string, signal?: AbortSignal): Promise<SharedTarget> {
  const text = who.trim()
  const address = emailOf(text)
  if (address) {
    const principal = await findPrincipalByAddress(client, me, address, signal)
    return { kind: 'principal', principal, owner: ownerOf(principal, address) }
  }
  if (!/^https?:\/\//i.test(text)) {
    throw new QuireError('BAD_INPUT', { message: `“${text}” is neither an email address nor a calendar URL.`, details: { who: text } })
  }
  const url = new URL(text).href
  // the password goes only where it already goes: a URL on another server is refused
  client.assertTrusted(url)
  const [response] = await client.propfind(url, PRINCIPAL_PROPS, '0', signal).catch((error: unknown) => {
    if (error instanceof QuireError && error.code === 'NOT_FOUND') {
      throw new QuireError('NOT_FOUND', { message: `Nothing was found at ${url}. Check the address.`, details: { who: url } })
    }
    if (error instanceof QuireError && error.code === 'FORBIDDEN') {
      throw new QuireError('FORBIDDEN', { message: `${url} is not shared with you.`, details: { who: url } })
    }
    throw error
  })
  const props = response?.props ?? {}
  const types = Object.keys((props.resourcetype as object | undefined) ?? {})
  if (types.includes('calendar')) return { kind: 'calendar', url: ensureSlash(new URL(response?.href ?? url, url).href) }
  if (types.includes('principal') || hrefsOf(props.calendarHomeSet).length > 0) {
    const principal = principalFrom(ensureSlash(new URL(response?.href ?? url, url).href), props)
    return { kind: 'principal', principal, owner: ownerOf(principal) }
  }
  throw new QuireError('NOT_FOUND', { message: `${url} is neither a calendar nor a person on this server.`, details: { who: url } })
}

/**
 * Who lets this account act for them (calendarserver.org delegation): the principals listed in
 * calendar-proxy-read-for and calendar-proxy-write-for of the account's own principal. Empty where
 * the server offers no delegation (it answers 404 for the properties).
 */
export async function delegatorsOf(client: DavClient, me: string, signal?: AbortSignal): Promise<{ read: string[]; write: string[] }> {
  try {
    const [response] = await client.propfind(me, { 'cs:calendar-proxy-read-for': {}, 'cs:calendar-proxy-write-for': {} }, '0', signal)
    const absolute = (hrefs: string[]) => hrefs.map((href) => ensureSlash(new URL(href, me).href)).filter((url) => client.trusts(url))
    return { read: absolute(hrefsOf(response?.props?.calendarProxyReadFor)), write: absolute(hrefsOf(response?.props?.calendarProxyWriteFor)) }
  } catch (error) {
    if (error instanceof QuireError && error.code === 'CANCELLED') throw error
    return { read: [], write: [] }
  }
}
