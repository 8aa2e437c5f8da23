import { Resolver } from 'node:dns/promises'
import type { LookupFunction } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { createObject, davRequest, deleteObject, getBasicAuthHeaders, propfind, updateObject, type DAVDepth, type DAVResponse } from 'tsdav'
import { QuireError } from '../common/contract'
import { davHttpError, toDavError } from './dav-errors'
import { createHttpFetch } from './http-fetch'

/** CalDAV (RFC 4791) or CardDAV (RFC 6352): one login usually serves both. */
export type DavService = 'caldav' | 'carddav'

export interface DavLogin {
  /** a URL, or a bare domain that RFC 6764 discovery completes */
  serverUrl: string
  username: string
  password: string
}

export interface DavClientOptions {
  /** TLS options per host and port (the user's trusted certificates) */
  tls?: (host: string, port: number) => ConnectionOptions
  lookup?: LookupFunction
  timeoutMs?: number
  /** RFC 6764 §3 SRV lookups for a bare domain; off in tests, which have no DNS */
  srv?: boolean
}

export interface DavDiscovery {
  /** where the principal was found (the well-known URL after its redirect, or the URL the user gave) */
  contextUrl: string
  principalUrl: string
  /** calendar-home-set (RFC 4791 §6.2.1) or addressbook-home-set (RFC 6352 §7.1.1) */
  homeUrls: string[]
}

/** An XML element as tsdav's converter reads and writes it (xml-js compact form). */
export type XmlElement = Record<string, unknown>

export interface DavResource {
  url: string
  etag: string | null
  data: string
}

const SERVICE_NAMES: Record<DavService, string> = { caldav: 'CalDAV', carddav: 'CardDAV' }

/**
 * One login on a CalDAV/CardDAV server: tsdav's requests with Basic auth, Quire's own HTTP
 * transport (TLS trust, time-outs, cancellation), every failure turned into a typed QuireError,
 * and the discovery walk of RFC 6764 and RFC 5397. The CalDAV and CardDAV services both build on it.
 */
export class DavClient {
  readonly fetch: typeof fetch
  private readonly authHeaders: Record<string, string>
  /** only URLs on these origins get the credentials: the server the user named and where discovery led */
  private readonly origins = new Set<string>()
  /** where the last request ended up after redirects */
  private lastUrl = ''

  constructor(
    readonly login: DavLogin,
    readonly service: DavService,
    private readonly options: DavClientOptions = {},
  ) {
    const transport = createHttpFetch({
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.lookup ? { lookup: options.lookup } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
    })
    this.fetch = async (input, init) => {
      const response = await transport(input, init)
      this.lastUrl = response.url
      return response
    }
    this.authHeaders = getBasicAuthHeaders({ username: login.username, password: login.password })
  }

  /** The server name for messages: host and port of the URL the user gave. */
  get serverLabel(): { host: string; port: number; protocol: 'CalDAV' | 'CardDAV' } {
    const url = startUrl(this.login.serverUrl)
    return { host: url.hostname, port: Number(url.port) || (url.protocol === 'http:' ? 80 : 443), protocol: SERVICE_NAMES[this.service] as 'CalDAV' | 'CardDAV' }
  }

  /** Whether `url` may be sent this login's credentials: it is on the server discovery found. */
  trusts(url: string): boolean {
    try {
      return this.origins.has(new URL(url).origin)
    } catch {
      return false
    }
  }

  /** Throws BAD_INPUT for a URL off this server, so a renderer bug cannot send the password elsewhere. */
  assertTrusted(url: string): void {
    if (!this.trusts(url)) throw new QuireError('BAD_INPUT', { message: `${url} is not on this account’s server.` })
  }

  async propfind(url: string, props: XmlElement, depth: DAVDepth, signal?: AbortSignal): Promise<DAVResponse[]> {
    const responses = await this.guard(() => propfind({ url, props, depth, headers: this.authHeaders, fetchOptions: signalOption(signal), fetch: this.fetch }))
    return this.checked(responses, url)
  }

  /** A REPORT (RFC 3253 §3.6) with `body` as its root element. */
  async report(url: string, body: XmlElement, depth: DAVDepth, signal?: AbortSignal): Promise<DAVResponse[]> {
    const responses = await this.guard(() =>
      davRequest({
        url,
        init: { method: 'REPORT', namespace: 'd', headers: { ...this.authHeaders, depth }, body },
        fetchOptions: signalOption(signal),
        fetch: this.fetch,
      }),
    )
    return this.checked(responses, url)
  }

  /** OPTIONS: the DAV header's compliance classes (RFC 4918 §10.1), lower-cased; empty when the server names none. */
  async davClasses(url: string, signal?: AbortSignal): Promise<string[]> {
    const response = await this.guard(() => this.fetch(url, { method: 'OPTIONS', headers: this.authHeaders, ...signalOption(signal) }))
    await response.text().catch(() => '')
    if (!response.ok) return []
    return (response.headers.get('dav') ?? '')
      .split(',')
      .map((c) => c.trim().toLowerCase())
      .filter(Boolean)
  }

  /** GET one resource; null when it does not exist. */
  async get(url: string, signal?: AbortSignal): Promise<DavResource | null> {
    const response = await this.guard(() => this.fetch(url, { method: 'GET', headers: this.authHeaders, ...signalOption(signal) }))
    if (response.status === 404 || response.status === 410) return null
    if (!response.ok) throw davHttpError(response.status, url, this.serverLabel)
    return { url, etag: response.headers.get('etag'), data: await response.text() }
  }

  /**
   * PUT with a precondition: `etag` null creates (If-None-Match: *, RFC 7232 §3.2), else
   * replaces exactly that version (If-Match). A 412 throws CONFLICT; the caller fetches the
   * server's version. Returns the new ETag when the server names it.
   */
  async put(url: string, data: string, contentType: string, etag: string | null, signal?: AbortSignal): Promise<{ etag: string | null }> {
    const headers = { ...this.authHeaders, 'Content-Type': contentType }
    const response = await this.guard(() =>
      etag === null
        ? createObject({ url, data, headers: { ...headers, 'If-None-Match': '*' }, fetchOptions: signalOption(signal), fetch: this.fetch })
        : updateObject({ url, data, etag, headers, fetchOptions: signalOption(signal), fetch: this.fetch }),
    )
    if (!response.ok) throw davHttpError(response.status, url, this.serverLabel, await response.text().catch(() => ''))
    return { etag: response.headers.get('etag') }
  }

  /** DELETE exactly this version (If-Match); a resource already gone counts as deleted. */
  async delete(url: string, etag: string | null, signal?: AbortSignal): Promise<void> {
    const response = await this.guard(() =>
      deleteObject({ url, ...(etag ? { etag } : {}), headers: this.authHeaders, fetchOptions: signalOption(signal), fetch: this.fetch }),
    )
    if (response.ok || response.status === 404 || response.status === 410) return
    throw davHttpError(response.status, url, this.serverLabel)
  }

  /**
   * Finds the principal and its home collections: the URL the user gave if it has a path, then
   * RFC 6764 §5 `/.well-known/caldav` (or carddav), then the server root; SRV records first for a
   * bare domain (§3). Then RFC 5397 current-user-principal and the home set (RFC 4791 §6.2.1,
   * RFC 6352 §7.1.1). 401 anywhere is AUTH_FAILED at once; a server that answers HTTP but has no
   * principal or home set is MISSING_CAPABILITY ("not a CalDAV server").
   */
  async discover(signal?: AbortSignal): Promise<DavDiscovery> {
    const candidates = await this.contextCandidates()
    let networkError: unknown
    let answered = false
    for (const candidate of candidates) {
      this.origins.add(new URL(candidate).origin)
      let responses: DAVResponse[]
      try {
        responses = await this.guard(() =>
          propfind({ url: candidate, props: { 'd:current-user-principal': {} }, depth: '0', headers: this.authHeaders, fetchOptions: signalOption(signal), fetch: this.fetch }),
        )
      } catch (error) {
        if (error instanceof QuireError && error.code === 'CANCELLED') throw error
        networkError ??= error
        continue
      }
      answered = true
      const denied = responses.find((r) => r.status === 401)
      if (denied) throw davHttpError(401, candidate, this.serverLabel)
      const principal = responses.map((r) => hrefOf(r.props?.currentUserPrincipal)).find((href) => href)
      if (!principal) continue
      // the URL that answered (after redirects) is the context the principal's href is relative to
      const contextUrl = this.lastUrl || candidate
      const principalUrl = new URL(principal, contextUrl).href
      this.origins.add(new URL(contextUrl).origin)
      this.origins.add(new URL(principalUrl).origin)
      const homeUrls = await this.homeSet(principalUrl, signal)
      return { contextUrl, principalUrl, homeUrls }
    }
    if (!answered && networkError) throw networkError
    throw new QuireError('MISSING_CAPABILITY', {
      message: `${this.login.serverUrl} answered, but not as a ${SERVICE_NAMES[this.service]} server: it names no principal for this user. Check the server address.`,
      details: { service: this.service },
    })
  }

  private async homeSet(principalUrl: string, signal?: AbortSignal): Promise<string[]> {
    const property = this.service === 'caldav' ? 'c:calendar-home-set' : 'card:addressbook-home-set'
    const key = this.service === 'caldav' ? 'calendarHomeSet' : 'addressbookHomeSet'
    const responses = await this.propfind(principalUrl, { [property]: {} }, '0', signal)
    const hrefs = responses.flatMap((r) => hrefsOf(r.props?.[key]))
    if (hrefs.length === 0) {
      throw new QuireError('MISSING_CAPABILITY', {
        message: `The server at ${this.login.serverUrl} is not a ${SERVICE_NAMES[this.service]} server: your principal has no ${this.service === 'caldav' ? 'calendar' : 'address book'} home.`,
        details: { service: this.service },
      })
    }
    const homes = [...new Set(hrefs.map((href) => ensureSlash(new URL(href, principalUrl).href)))]
    for (const home of homes) this.origins.add(new URL(home).origin)
    return homes
  }

  private async contextCandidates(): Promise<string[]> {
    const start = startUrl(this.login.serverUrl)
    const wellKnown = new URL(`/.well-known/${this.service}`, start).href
    const root = new URL('/', start).href
    const fromSrv = this.options.srv !== false && isBareDomain(this.login.serverUrl) ? await srvCandidates(start.hostname, this.service) : []
    const given = start.pathname !== '/' ? [start.href] : []
    return [...new Set([...fromSrv, ...given, wellKnown, root])]
  }

  /** Runs a request, turning transport failures into typed errors. */
  private async guard<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request()
    } catch (error) {
      throw toDavError(error, this.serverLabel)
    }
  }

  /** tsdav reports a failed request as a single response carrying its status. */
  private checked(responses: DAVResponse[], url: string): DAVResponse[] {
    const [first] = responses
    if (responses.length === 1 && first && !first.ok && first.status >= 400 && !first.props) {
      throw davHttpError(first.status, url, this.serverLabel, typeof first.raw === 'string' ? first.raw : '')
    }
    return responses
  }
}

export function createDavClient(login: DavLogin, service: DavService, options?: DavClientOptions): DavClient {
  return new DavClient(login, service, options)
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {}
}

/** "dav.example.com" → https://dav.example.com/; a full URL as given. */
export function startUrl(serverUrl: string): URL {
  const trimmed = serverUrl.trim()
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`)
  } catch (cause) {
    throw new QuireError('BAD_INPUT', { message: `“${serverUrl}” is not a server address. Enter a URL or a domain name.`, cause })
  }
}

function isBareDomain(serverUrl: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(serverUrl.trim()) && !serverUrl.includes('/') && !/:\d+$/.test(serverUrl.trim())
}

/** RFC 6764 §3: _caldavs._tcp (TLS) only; plaintext SRV records would send the password in the clear. */
async function srvCandidates(domain: string, service: DavService): Promise<string[]> {
  const resolver = new Resolver({ timeout: 1500, tries: 1 })
  try {
    const records = await resolver.resolveSrv(`_${service}s._tcp.${domain}`)
    const sorted = records.filter((r) => r.name && r.name !== '.').sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    const urls: string[] = []
    for (const record of sorted) {
      const base = `https://${record.name}${record.port === 443 ? '' : `:${record.port}`}`
      const path = await resolver
        .resolveTxt(`_${service}s._tcp.${domain}`)
        .then((txt) => txt.flat().find((t) => t.startsWith('path='))?.slice(5))
        .catch(() => undefined)
      urls.push(new URL(path ?? `/.well-known/${service}`, base).href)
    }
    return urls
  } catch {
    return []
  } finally {
    resolver.cancel()
  }
}

/** The text of a `<d:href>` inside an element (xml-js gives text, CDATA or a list). */
export function hrefOf(element: unknown): string | undefined {
  return hrefsOf(element)[0]
}

export function hrefsOf(element: unknown): string[] {
  if (!element || typeof element !== 'object') return []
  const href = (element as { href?: unknown }).href
  const list = Array.isArray(href) ? href : [href]
  return list.map(textOf).filter((t): t is string => Boolean(t))
}

/** An element's text whether xml-js gave it as a value, `_text` or `_cdata`. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value).trim() || undefined
  if (typeof value === 'object') {
    const v = value as { _cdata?: unknown; _text?: unknown }
    if (v._cdata !== undefined) return textOf(v._cdata)
    if (v._text !== undefined) return textOf(v._text)
  }
  return undefined
}

export function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}
