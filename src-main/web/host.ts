import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer } from 'ws'
import type { Router } from '../rpc/router'
import { MAX_MESSAGE_BYTES } from '../rpc/router'
import { webSocketEndpoint } from '../rpc/websocket-endpoint'
import { contentSecurityPolicy } from './content-security-policy'
import { findStaticFile } from './static-files'

export interface WebHostOptions {
  router: Router
  /** the built renderer (out/web) */
  rendererDir: string
  host?: string
  port?: number
  /** required for any host other than loopback */
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** fixed token for tests; random otherwise */
  token?: string
}

export interface WebHost {
  url: string
  token: string
  port: number
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/**
 * Web mode: the built renderer and the RPC WebSocket, both under `/<token>/`.
 * Anything without the token is answered 401 — the token in the URL is the only
 * credential, so it is random, compared in constant time and never logged.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host) && !options.tls) {
    throw new Error(`Refusing to serve on ${host} without TLS: pass --tls-cert and --tls-key, or use 127.0.0.1.`)
  }
  const token = options.token ?? randomBytes(24).toString('base64url')
  const prefix = `/${token}/`

  const hasToken = (url: string | undefined): url is string => {
    if (!url || url.length < prefix.length) return false
    const given = Buffer.from(url.slice(0, prefix.length))
    return timingSafeEqual(given, Buffer.from(prefix))
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (!hasToken(req.url)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Quire: this address needs the access token printed when the app started.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    // the parser resolves `..`, which may lead out of the token's path: then it is not ours to serve
    const pathname = new URL(req.url, 'http://host').pathname
    const file = pathname.startsWith(prefix) ? await findStaticFile(options.rendererDir, pathname.slice(prefix.length)) : undefined
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n')
      return
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy,
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Content-Length': file.size,
    })
    if (req.method === 'HEAD') return void res.end()
    // in the stream's 64 KiB chunks, never the whole file in one buffer (see findStaticFile)
    await pipeline(createReadStream(file.path), res).catch(() => res.destroy())
  }

  const server: Server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle)
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  let origin = ''

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // the token proves the page came from us; the Origin check stops other pages that learnt it
    const okOrigin = req.headers.origin === undefined || req.headers.origin === origin
    if (!hasToken(req.url) || req.url.slice(prefix.length) !== 'rpc' || !okOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => options.router.connect(webSocketEndpoint(ws)))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const scheme = options.tls ? 'https' : 'http'
  const shownHost = host.includes(':') ? `[${host}]` : host
  origin = `${scheme}://${shownHost}:${port}`

  return {
    url: `${origin}${prefix}`,
    token,
    port,
    async close() {
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>((resolve) => sockets.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
