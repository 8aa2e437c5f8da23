import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { appHandlers } from '../../src-main/app-service'
import { appContract } from '../../src-main/common/contract/app'
import { createRouter } from '../../src-main/rpc/router'
import { isLoopback, startWebHost, type WebHost } from '../../src-main/web/host'

const router = createRouter(appHandlers('web'), {}, appContract)

/** Larger than a read stream's chunk, with multi-byte characters across the chunk boundaries. */
const largeScript = Array.from({ length: 20_000 }, (_, i) => `// ${i} Überprüfung 会議 😀\n`).join('')

function rendererDir() {
  const dir = mkdtempSync(join(tmpdir(), 'quire-web-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Quire</title>')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(dir, 'assets', 'large.js'), largeScript)
  writeFileSync(join(dir, '..', 'quire-outside-secret.txt'), 'outside')
  return dir
}

/** A GET with the path exactly as given (fetch would normalise `..` away before sending). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

/** Resolves with 'open' or with how the server refused the socket. */
function tryWebSocket(url: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, origin ? { origin } : {})
    socket.on('open', () => (socket.close(), resolve('open')))
    socket.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`))
    socket.on('error', (error) => resolve(`error ${error.message}`))
  })
}

describe('web host', () => {
  let host: WebHost
  beforeAll(async () => {
    host = await startWebHost({ router, rendererDir: rendererDir() })
  })
  afterAll(async () => host.close())

  it('serves on loopback with a long random token in the URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/)
  })

  it('serves the renderer under the token with a strict CSP', async () => {
    const res = await fetch(host.url)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>Quire</title>')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    expect((await fetch(`${host.url}assets/app.js`)).status).toBe(200)
  })

  it('serves a file larger than a read chunk whole, and only its headers to HEAD', async () => {
    const res = await fetch(`${host.url}assets/large.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(largeScript))
    expect(await res.text()).toBe(largeScript)
    const head = await fetch(`${host.url}assets/large.js`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(largeScript))
    expect(await head.text()).toBe('')
  })

  it('answers 401 without the token, with a wrong token and to a near miss', async () => {
    const origin = new URL(host.url).origin
    for (const url of [`${origin}/`, `${origin}/index.html`, `${origin}/${'A'.repeat(32)}/`, host.url.slice(0, -2) + '/', `${origin}/assets/app.js`]) {
      expect((await fetch(url)).status, url).toBe(401)
    }
  })

  it('refuses the WebSocket without the token, or from another origin', async () => {
    const wsOrigin = new URL(host.url).origin.replace('http', 'ws')
    expect(await tryWebSocket(`${wsOrigin}/rpc`)).toBe('http 401')
    expect(await tryWebSocket(`${wsOrigin}/${'B'.repeat(32)}/rpc`)).toBe('http 401')
    expect(await tryWebSocket(`${host.url.replace('http', 'ws')}rpc`, 'http://evil.example')).toBe('http 401')
    expect(await tryWebSocket(`${host.url.replace('http', 'ws')}rpc`, new URL(host.url).origin)).toBe('open')
  })

  it('does not serve files outside the renderer directory', async () => {
    const prefix = new URL(host.url).pathname
    for (const path of ['../quire-outside-secret.txt', '%2e%2e/quire-outside-secret.txt', 'assets/%2e%2e/%2e%2e/quire-outside-secret.txt', '..%2fquire-outside-secret.txt']) {
      const { status, body } = await rawGet(host.port, prefix + path)
      expect(status, path).toBe(404)
      expect(body).not.toContain('outside')
    }
  })

  it('refuses to listen on a non-loopback address without TLS', async () => {
    await expect(startWebHost({ router, rendererDir: rendererDir(), host: '0.0.0.0' })).rejects.toThrow(/without TLS/)
    expect(isLoopback('127.0.0.1')).toBe(true)
    expect(isLoopback('::1')).toBe(true)
    expect(isLoopback('192.168.1.10')).toBe(false)
  })
})
