import { inject } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AccountRegistry } from '../../src-main/accounts/account-registry'
import { CertificateTrust } from '../../src-main/accounts/certificate-trust'
import { FileVault } from '../../src-main/accounts/file-vault'
import { DirectorySettings, type DirectorySettingsInput } from '../../src-main/common/domain/directory'
import { directoryHandlers } from '../../src-main/directory/directory-handlers'
import { DirectoryRegistry } from '../../src-main/directory/directory-registry'
import { DirectoryService } from '../../src-main/directory/directory-service'

const servers = inject('servers')
const signal = new AbortController().signal

async function setup(options: { trustCa?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'quire-directory-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const trust = await CertificateTrust.open(join(dir, 'trusted.json'))
  const accounts = await AccountRegistry.open({ file: join(dir, 'accounts.json'), vault, trust })
  const registry = await DirectoryRegistry.open({ file: join(dir, 'directories.json'), vault })
  // the app's trust (pinned certificates); with trustCa the test CA is trusted as a system CA would be
  const tls = (host: string, port: number) => ({ ...accounts.tlsOptions(host, port), ...(options.trustCa ? { ca: servers.caCert } : {}) })
  const service = new DirectoryService(registry, tls)
  const handlers = directoryHandlers(registry, service, tls)
  return {
    registry,
    service,
    handlers,
    trust,
    close() {
      service.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const settings = (overrides: Partial<DirectorySettingsInput> = {}) =>
  DirectorySettings.parse({ name: 'Example', url: servers.ldapUrl, baseDn: servers.ldapBaseDn, timeoutSeconds: 2, ...overrides })

/** A TCP listener that accepts and never says a word: a directory that hangs. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => sockets.add(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

describe('LDAP directory against the real OpenLDAP', () => {
  it('StartTLS is verified: an untrusted certificate is shown, and once trusted the test passes', async () => {
    const env = await setup()
    try {
      const first = await env.handlers['directory.test']({ settings: settings() }, { signal })
      expect(first.ok).toBe(false)
      expect(first.error?.code).toBe('TLS_UNTRUSTED')
      expect(first.certificate?.issuer).toBe(new X509Certificate(servers.caCert).subject.replaceAll('\n', ', '))
      await env.trust.trust(first.certificate!.host, first.certificate!.port, first.certificate!.pem)
      expect(await env.handlers['directory.test']({ settings: settings() }, { signal })).toEqual({ ok: true })
      // ldaps:// is TLS from the first byte, verified the same way
      const ldaps = await env.handlers['directory.test']({ settings: settings({ url: servers.ldapsUrl }) }, { signal })
      expect(ldaps.error?.code).toBe('TLS_UNTRUSTED')
    } finally {
      env.close()
    }
  })

  it('finds people and groups by the first letters of a name or address, with entry details and certificates', async () => {
    const env = await setup({ trustCa: true })
    try {
      const directory = await env.registry.add(settings(), undefined)
      const { entries, failures } = await env.service.search('al', 20)
      expect(failures).toEqual([])
      expect(entries.map((e) => [e.kind, e.name, e.emails[0]])).toEqual([['person', 'Alice Example', 'alice@example.test']])
      const alice = entries[0]!
      expect(alice).toMatchObject({ title: 'Engineering Manager', phones: ['+1 555 0100'], givenName: 'Alice', familyName: 'Example' })

      const byFamily = await env.service.search('exam', 20)
      expect(byFamily.entries.map((e) => e.name).sort()).toEqual(['Alice Example', 'Bob Example'])
      const twoWords = await env.service.search('bob exa', 20)
      expect(twoWords.entries.map((e) => e.name)).toEqual(['Bob Example'])
      expect((await env.service.search('carol@example.test', 20)).entries.map((e) => e.name)).toEqual(['Carol Sample'])
      // filter metacharacters are escaped, not interpreted
      expect((await env.service.search('a*)(cn=*', 20)).entries).toEqual([])

      const full = await env.service.entry(directory.id, alice.dn)
      expect(full.certificates).toHaveLength(1)
      const certificate = new X509Certificate(Buffer.from(full.certificates[0]!, 'base64'))
      expect(certificate.subject).toContain('CN=Alice Example')
      expect(await env.service.certificatesFor('alice@example.test')).toEqual(full.certificates)

      const groups = await env.service.search('engin', 20)
      const engineering = groups.entries.find((e) => e.kind === 'group')
      expect(engineering).toMatchObject({ name: 'engineering', memberCount: 2 })
      const expanded = await env.service.expand(directory.id, engineering!.dn)
      expect(expanded.members.map((m) => m.emails[0]).sort()).toEqual(['alice@example.test', 'bob@example.test'])
      expect(expanded).toMatchObject({ unresolved: [], truncated: false })
    } finally {
      env.close()
    }
  })

  it('binds with a DN and the password from the vault; a wrong one is AUTH_FAILED; ldaps works', async () => {
    const env = await setup({ trustCa: true })
    try {
      const bind = settings({ url: servers.ldapsUrl, bindDn: `uid=bob,ou=people,${servers.ldapBaseDn}` })
      const directory = await env.registry.add(bind, servers.users.bob.password)
      expect((await env.service.search('car', 5)).entries.map((e) => e.name)).toEqual(['Carol Sample'])
      await env.registry.update(directory.id, bind, 'wrong password')
      const { entries, failures } = await env.service.search('car', 5)
      expect(entries).toEqual([])
      expect(failures).toMatchObject([{ directoryId: directory.id, name: 'Example', error: { code: 'AUTH_FAILED' } }])
    } finally {
      env.close()
    }
  })

  it('a directory that is down or silent costs at most its time-out and the others still answer', async () => {
    const env = await setup({ trustCa: true })
    const silent = await silentServer()
    try {
      await env.registry.add(settings(), undefined)
      await env.registry.add(settings({ name: 'Down', url: 'ldap://127.0.0.1:9', startTls: false }), undefined)
      await env.registry.add(settings({ name: 'Silent', url: `ldap://127.0.0.1:${silent.port}`, timeoutSeconds: 1 }), undefined)
      const { entries, failures } = await env.service.search('bo', 10)
      expect(entries.map((e) => e.name)).toEqual(['Bob Example'])
      expect(failures.map((f) => [f.name, f.error.code]).sort()).toEqual([
        ['Down', 'CONNECTION_REFUSED'],
        ['Silent', 'TIMEOUT'],
      ])
    } finally {
      await silent.close()
      env.close()
    }
  })
})
