import { inject } from 'vitest'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LookupFunction } from 'node:net'
import { AccountRegistry } from '../../src-main/accounts/account-registry'
import { CertificateTrust } from '../../src-main/accounts/certificate-trust'
import { checkImap, checkSmtp } from '../../src-main/accounts/connection-test'
import { FileVault } from '../../src-main/accounts/file-vault'
import { AccountSettings } from '../../src-main/common/domain/account'
import { selfSignedCertificate, startTlsProxy } from './support/tls-proxy'

const servers = inject('servers')
const testCa = new X509Certificate(servers.caCert).subject

/** The resolver's answer for a name that does not exist, without asking a real resolver off this machine. */
const nxdomain: LookupFunction = (hostname, _options, callback) =>
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4)

async function setup(netOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'quire-accounts-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const trust = await CertificateTrust.open(join(dir, 'trusted-certificates.json'))
  const registry = await AccountRegistry.open({ file: join(dir, 'accounts.json'), vault, trust, netOptions })
  return { dir, vault, trust, registry }
}

function alice(overrides: Partial<AccountSettings> = {}): AccountSettings {
  return AccountSettings.parse({
    name: 'Work',
    displayName: 'Alice Example',
    email: servers.users.alice.email,
    username: servers.users.alice.email,
    imap: { host: servers.imap.host, port: servers.imap.tlsPort, security: 'tls' },
    smtp: { host: servers.submission.host, port: servers.submission.port, security: 'starttls' },
    ...overrides,
  })
}

describe('account connection checks against the real Dovecot', () => {
  it('an untrusted certificate is reported with its subject, issuer and fingerprint; trusting it connects', async () => {
    const { registry, trust } = await setup()
    const settings = alice()
    const first = await checkImap(settings, servers.users.alice.password, registry)
    expect(first.ok).toBe(false)
    expect(first.error?.code).toBe('TLS_UNTRUSTED')
    expect(first.certificate).toMatchObject({ host: servers.imap.host, port: servers.imap.tlsPort, subject: 'CN=localhost', issuer: testCa })
    expect(first.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)

    await trust.trust(servers.imap.host, servers.imap.tlsPort, first.certificate!.pem)
    expect(await checkImap(settings, servers.users.alice.password, registry)).toEqual({ ok: true })
  })

  it('the SMTP submission server (STARTTLS) gets the same treatment', async () => {
    const { registry, trust } = await setup()
    const first = await checkSmtp(alice(), servers.users.alice.password, registry)
    expect(first.error?.code).toBe('TLS_UNTRUSTED')
    expect(first.certificate?.issuer).toBe(testCa)
    await trust.trust(servers.submission.host, servers.submission.port, first.certificate!.pem)
    expect(await checkSmtp(alice(), servers.users.alice.password, registry)).toEqual({ ok: true })
  })

  it('STARTTLS on the IMAP port is verified the same way', async () => {
    const { registry, trust } = await setup()
    const settings = alice({ imap: { host: servers.imap.host, port: servers.imap.port, security: 'starttls' } })
    const first = await checkImap(settings, servers.users.alice.password, registry)
    expect(first.error?.code).toBe('TLS_UNTRUSTED')
    await trust.trust(servers.imap.host, servers.imap.port, first.certificate!.pem)
    expect((await checkImap(settings, servers.users.alice.password, registry)).ok).toBe(true)
  })

  it('a pinned certificate that changes is refused again, showing the new one', async () => {
    const { registry, trust } = await setup()
    const original = selfSignedCertificate('imap.quire-test')
    let proxy = await startTlsProxy({ ...original, target: { host: servers.imap.host, port: servers.imap.port } })
    const port = proxy.port
    const settings = alice({ imap: { host: '127.0.0.1', port, security: 'tls' } })

    const first = await checkImap(settings, servers.users.alice.password, registry)
    expect(first.error?.code).toBe('TLS_UNTRUSTED')
    expect(first.certificate?.subject).toBe('CN=imap.quire-test')
    await trust.trust('127.0.0.1', port, first.certificate!.pem)
    expect(await checkImap(settings, servers.users.alice.password, registry)).toEqual({ ok: true })

    await proxy.close()
    const impostor = selfSignedCertificate('imap.quire-test')
    proxy = await startTlsProxy({ ...impostor, target: { host: servers.imap.host, port: servers.imap.port }, port })
    const again = await checkImap(settings, servers.users.alice.password, registry)
    expect(again.error?.code).toBe('TLS_UNTRUSTED')
    expect(again.certificate?.fingerprint256).not.toBe(first.certificate?.fingerprint256)
    await proxy.close()
  })

  it('a wrong password is AUTH_FAILED on both servers', async () => {
    const { registry, trust } = await setup()
    await trust.trust(servers.imap.host, servers.imap.tlsPort, servers.caCert)
    await trust.trust(servers.submission.host, servers.submission.port, servers.caCert)
    const imap = await checkImap(alice(), 'not-the-password', registry)
    const smtp = await checkSmtp(alice(), 'not-the-password', registry)
    expect(imap.error?.code).toBe('AUTH_FAILED')
    expect(smtp.error?.code).toBe('AUTH_FAILED')
    expect(imap.error?.message).toContain('refused the user name or password')
  })

  it('an unknown host is HOST_NOT_FOUND, a closed port CONNECTION_REFUSED', async () => {
    const { registry } = await setup({ lookup: nxdomain })
    const unknown = await checkImap(alice({ imap: { host: 'mail.nowhere.invalid', port: 993, security: 'tls' } }), 'x', registry)
    expect(unknown.error?.code).toBe('HOST_NOT_FOUND')
    expect(unknown.error?.message).toContain('mail.nowhere.invalid')

    const { registry: plain } = await setup()
    const refused = await checkImap(alice({ imap: { host: '127.0.0.1', port: 1, security: 'tls' } }), 'x', plain)
    expect(refused.error?.code).toBe('CONNECTION_REFUSED')
  })

  it('TLS spoken to a cleartext port fails as TLS_FAILED, not as a hang', async () => {
    const { registry } = await setup()
    const wrong = await checkImap(alice({ imap: { host: servers.imap.host, port: servers.imap.port, security: 'tls' } }), 'x', registry)
    expect(['TLS_FAILED', 'TIMEOUT']).toContain(wrong.error?.code)
  })
})

describe('account registry', () => {
  it('keeps settings in a file and the password only in the vault', async () => {
    const { registry, dir, vault } = await setup()
    const account = await registry.add(alice(), 'secret-password-123')
    const { readFile } = await import('node:fs/promises')
    const file = await readFile(join(dir, 'accounts.json'), 'utf8')
    expect(file).toContain(servers.users.alice.email)
    expect(file).not.toContain('secret-password-123')
    expect(await registry.password(account.id)).toBe('secret-password-123')

    const reopened = await AccountRegistry.open({ file: join(dir, 'accounts.json'), vault, trust: await CertificateTrust.open(join(dir, 't.json')) })
    expect(reopened.list()).toEqual([account])

    const changes: number[] = []
    reopened.onChange((list) => changes.push(list.length))
    await reopened.remove(account.id)
    expect(changes).toEqual([0])
    expect(await vault.names()).not.toContain(`account:${account.id}:password`)
    await expect(reopened.password(account.id)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
  })
})

describe('DAV account registry', () => {
  it('a server tied to a mail account logs in with that account’s password; a standalone one needs its own', async () => {
    const { registry, dir, vault } = await setup()
    const { DavAccountRegistry } = await import('../../src-main/accounts/dav-account-registry')
    const { DavAccountSettings } = await import('../../src-main/common/domain/dav-account')
    const dav = await DavAccountRegistry.open({ file: join(dir, 'dav-accounts.json'), vault, mail: registry })
    const mail = await registry.add(alice(), 'mail-secret')

    const tied = await dav.add(DavAccountSettings.parse({ name: 'Calendars', serverUrl: servers.radicaleUrl, username: 'alice', mailAccountId: mail.id }), undefined)
    expect(await dav.password(tied.id)).toBe('mail-secret')

    await expect(dav.add(DavAccountSettings.parse({ name: 'Other', serverUrl: servers.cyrusDavUrl, username: 'alice' }), undefined)).rejects.toMatchObject({ code: 'BAD_INPUT' })
    const own = await dav.add(DavAccountSettings.parse({ name: 'Other', serverUrl: servers.cyrusDavUrl, username: 'alice' }), 'dav-secret')
    expect(await dav.password(own.id)).toBe('dav-secret')
    expect(dav.list().map((a) => a.name)).toEqual(['Calendars', 'Other'])
  })
})
