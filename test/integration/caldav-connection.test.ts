import { mkdtempSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer as createTcpServer, type AddressInfo, type LookupFunction, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { CertificateTrust } from '../../src-main/accounts/certificate-trust'
import { checkDav } from '../../src-main/dav/dav-connection-test'
import { selfSignedCertificate, startTlsProxy } from './support/tls-proxy'

const servers = inject('servers')
const login = (serverUrl: string, password = servers.users.alice.password) => ({ serverUrl, username: 'alice', password })

const nxdomain: LookupFunction = (hostname, _options, callback) =>
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4)

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('Settings → Test connection for a CalDAV server', () => {
  it('passes against Radicale and Cyrus with the right password, for calendars and contacts', async () => {
    expect(await checkDav(login(servers.radicaleUrl), 'caldav')).toEqual({ ok: true })
    expect(await checkDav(login(servers.radicaleUrl), 'carddav')).toEqual({ ok: true })
    expect(await checkDav(login(servers.cyrusDavUrl), 'caldav')).toEqual({ ok: true })
    // a path that is not the context root still leads to the principal (Cyrus' calendar home)
    expect(await checkDav(login(`${servers.cyrusDavUrl}/dav/calendars/user/alice/`), 'caldav')).toEqual({ ok: true })
  })

  it('a wrong password is AUTH_FAILED', async () => {
    for (const url of [servers.radicaleUrl, servers.cyrusDavUrl]) {
      const check = await checkDav(login(url, 'nope'), 'caldav')
      expect(check.error?.code).toBe('AUTH_FAILED')
    }
  })

  it('an unknown host is HOST_NOT_FOUND, a closed port CONNECTION_REFUSED, a silent one TIMEOUT', async () => {
    const unknown = await checkDav(login('calendar.nonexistent.invalid'), 'caldav', { lookup: nxdomain, srv: false })
    expect(unknown.error?.code).toBe('HOST_NOT_FOUND')

    const closed = createTcpServer()
    const closedPort = await listen(closed)
    await new Promise((resolve) => closed.close(resolve))
    expect((await checkDav(login(`http://127.0.0.1:${closedPort}/`), 'caldav')).error?.code).toBe('CONNECTION_REFUSED')

    const silent = createTcpServer(() => {})
    const silentPort = await listen(silent)
    try {
      expect((await checkDav(login(`http://127.0.0.1:${silentPort}/`), 'caldav', { timeoutMs: 300 })).error?.code).toBe('TIMEOUT')
    } finally {
      silent.close()
    }
  })

  it('a certificate nobody vouches for is TLS_UNTRUSTED with its details; trusting exactly it connects', async () => {
    const proxy = await startTlsProxy({ ...selfSignedCertificate('dav.stranger.test'), target: { host: '127.0.0.1', port: Number(new URL(servers.radicaleUrl).port) } })
    try {
      const url = `https://127.0.0.1:${proxy.port}/`
      const trust = await CertificateTrust.open(join(mkdtempSync(join(tmpdir(), 'quire-dav-trust-')), 'trust.json'))
      const tls = (host: string, port: number) => trust.tlsOptions(host, port)
      const first = await checkDav(login(url), 'caldav', { tls })
      expect(first.error?.code).toBe('TLS_UNTRUSTED')
      expect(first.certificate).toMatchObject({ host: '127.0.0.1', port: proxy.port, subject: 'CN=dav.stranger.test' })
      await trust.trust('127.0.0.1', proxy.port, first.certificate!.pem)
      expect(await checkDav(login(url), 'caldav', { tls })).toEqual({ ok: true })
    } finally {
      await proxy.close()
    }
  })

  it('an HTTP server that is not CalDAV, or a port that does not speak HTTP, is MISSING_CAPABILITY', async () => {
    const web = createHttpServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>hello</html>'))
    const webPort = await listen(web)
    try {
      const check = await checkDav(login(`http://127.0.0.1:${webPort}/`), 'caldav')
      expect(check.error?.code).toBe('MISSING_CAPABILITY')
      expect(check.error?.message).toMatch(/not as a CalDAV server/)
    } finally {
      web.close()
    }
    const imap = await checkDav(login(`http://${servers.imap.host}:${servers.imap.port}/`), 'caldav', { timeoutMs: 3000 })
    expect(imap.error?.code).toBe('MISSING_CAPABILITY')
  })
})
