import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { ConnectionOptions } from 'node:tls'

export interface HttpFetchOptions {
  /** TLS options for one host and port: the user's trusted certificates (CertificateTrust) */
  tls?: (host: string, port: number) => ConnectionOptions
  /** tests resolve names without asking a real resolver */
  lookup?: LookupFunction
  /** the socket may stay silent this long before the request fails with ETIMEDOUT */
  timeoutMs?: number
  maxRedirects?: number
}

type FetchInit = NonNullable<Parameters<typeof fetch>[1]>

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * A `fetch` on Node's own http/https, for tsdav. Node's global fetch cannot take per-host TLS
 * options (pinned certificates, the user's trust decisions) or a resolver; this one can, and its
 * failures keep the socket's own error codes (ENOTFOUND, ECONNREFUSED, certificate codes), which
 * connection-errors.ts turns into messages a person can act on.
 */
export function createHttpFetch(options: HttpFetchOptions = {}): typeof fetch {
  const maxRedirects = options.maxRedirects ?? 5
  return async (input, init = {}) => {
    let url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    let method = (init.method ?? 'GET').toUpperCase()
    let headers = plainHeaders(init.headers)
    let body = await bodyBytes(init.body)
    for (let hop = 0; ; hop++) {
      const response = await send(url, method, headers, body, init.signal ?? undefined, options)
      const location = response.headers.get('location')
      if (!REDIRECTS.has(response.status) || !location || init.redirect === 'manual' || hop >= maxRedirects) return withUrl(response, url)
      const next = new URL(location, url)
      // RFC 6764 §5 redirects may lead to another host (dav.example.com → caldav.provider.net): the
      // credentials follow only to the same origin or over TLS, never in the clear to a new host
      if (next.origin !== url.origin && next.protocol !== 'https:') headers = withoutAuthorization(headers)
      if (response.status === 303 && method !== 'HEAD') {
        method = 'GET'
        body = undefined
      }
      url = next
    }
  }
}

function withUrl(response: Response, url: URL): Response {
  Object.defineProperty(response, 'url', { value: url.href })
  return response
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'))
}

function plainHeaders(headers: FetchInit['headers']): Record<string, string> {
  if (!headers) return {}
  if (headers instanceof Headers) return Object.fromEntries(headers.entries())
  if (Array.isArray(headers)) return Object.fromEntries(headers)
  return { ...(headers as Record<string, string>) }
}

async function bodyBytes(body: FetchInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof Uint8Array) return Buffer.from(body)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  return Buffer.from(await new Response(body).arrayBuffer())
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal | undefined, options: HttpFetchOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError())
    const secure = url.protocol === 'https:'
    if (!secure && url.protocol !== 'http:') return reject(Object.assign(new Error(`Unsupported URL scheme ${url.protocol}`), { code: 'ERR_INVALID_URL_SCHEME' }))
    const port = Number(url.port) || (secure ? 443 : 80)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const outgoing: OutgoingHttpHeaders = { ...headers }
    if (body) outgoing['content-length'] = body.length
    const request = (secure ? httpsRequest : httpRequest)({
      protocol: url.protocol,
      host,
      port,
      path: `${url.pathname}${url.search}`,
      method,
      headers: outgoing,
      agent: false,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(secure ? options.tls?.(host, port) : {}),
    })
    const onAbort = () => request.destroy(abortError())
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => signal?.removeEventListener('abort', onAbort)
    request.setTimeout(options.timeoutMs ?? 30_000, () =>
      request.destroy(Object.assign(new Error(`No answer from ${url.host} in time`), { code: 'ETIMEDOUT' })),
    )
    request.once('error', (error) => (done(), reject(error)))
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.once('error', (error) => (done(), reject(error)))
      response.once('end', () => {
        done()
        const status = response.statusCode ?? 500
        const responseHeaders = new Headers()
        for (const [name, value] of Object.entries(response.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v)
          else if (value !== undefined) responseHeaders.set(name, value)
        }
        const noBody = status === 204 || status === 304 || method === 'HEAD'
        resolve(new Response(noBody ? null : Buffer.concat(chunks), { status: Math.max(status, 200), statusText: response.statusMessage ?? '', headers: responseHeaders }))
      })
    })
    request.end(body)
  })
}

function abortError(): Error {
  return Object.assign(new Error('The request was cancelled.'), { name: 'AbortError', code: 'ABORT_ERR' })
}
