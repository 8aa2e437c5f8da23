import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { ImapFlow } from 'imapflow'
import { Client, InvalidCredentialsError } from 'ldapts'
import { createTransport } from 'nodemailer'
import { inject } from 'vitest'
import { recordedPids, restartDovecot, runningPids, stopServers, type ServersEnv, type TestUser, type TestUserName } from '../servers/harness'
import { startThrowawayStack } from '../servers/throwaway-stack'

// Proves that every server of the test stack answers a real client from Node, with the libraries Quire uses.

const servers = inject('servers')
const { alice, bob } = servers.users

function imapClient(env: ServersEnv, user: TestUser, tls: 'starttls' | 'imaps', { trustTestCa = true } = {}): ImapFlow {
  return new ImapFlow({
    host: env.imap.host,
    port: tls === 'imaps' ? env.imap.tlsPort : env.imap.port,
    secure: tls === 'imaps',
    doSTARTTLS: tls === 'starttls',
    tls: trustTestCa ? { ca: env.caCert } : {},
    auth: { user: user.email, pass: user.password },
    logger: false,
  })
}

async function withImap<T>(user: TestUser, use: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = imapClient(servers, user, 'imaps')
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.logout()
  }
}

describe('Dovecot IMAP', () => {
  it.each(['starttls', 'imaps'] as const)('logs alice in over %s, verifying the certificate against the test CA', async (tls) => {
    const client = imapClient(servers, alice, tls)
    await client.connect()
    expect(client.secureConnection).toBe(true)
    expect(client.authenticated).toBeTruthy()
    await client.logout()
  })

  it.each(['starttls', 'imaps'] as const)('rejects the certificate over %s without the test CA', async (tls) => {
    const client = imapClient(servers, alice, tls, { trustTestCa: false })
    await expect(client.connect()).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
  })

  it('lists INBOX and the special-use folders', async () => {
    const folders = await withImap(alice, (client) => client.list())
    const specialUse = Object.fromEntries(folders.map((folder) => [folder.path, folder.specialUse]))
    expect(specialUse).toMatchObject({
      INBOX: '\\Inbox',
      Drafts: '\\Drafts',
      Sent: '\\Sent',
      Trash: '\\Trash',
      Junk: '\\Junk',
      Archive: '\\Archive',
    })
  })
})

describe('mail submission', () => {
  it('delivers a message alice submits into bob’s INBOX', async () => {
    const subject = `hello ${randomUUID()}`
    const transport = createTransport({
      host: servers.submission.host,
      port: servers.submission.port,
      secure: false,
      requireTLS: true,
      tls: { ca: servers.caCert },
      auth: { user: alice.email, pass: alice.password },
    })
    const sent = await transport.sendMail({ from: alice.email, to: bob.email, subject, text: 'Hi Bob' })
    expect(sent.accepted).toEqual([bob.email])

    const found = await withImap(bob, async (client) => {
      await client.mailboxOpen('INBOX')
      // OpenSMTPD retries a temporarily failed LMTP delivery after about 10 s
      const deadline = Date.now() + 20_000
      for (;;) {
        const uids = (await client.search({ subject }, { uid: true })) || []
        if (uids.length > 0 || Date.now() > deadline) return uids
        await sleep(250)
      }
    })
    expect(found).toHaveLength(1)
  })
})

describe('CalDAV', () => {
  async function propfind(url: string, user: TestUserName, prop: string): Promise<{ status: number; body: string }> {
    const response = await fetch(url, {
      method: 'PROPFIND',
      headers: {
        Authorization: `Basic ${Buffer.from(`${user}:${servers.users[user].password}`).toString('base64')}`,
        Depth: '0',
        'Content-Type': 'application/xml; charset=utf-8',
      },
      body: `<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop>${prop}</D:prop></D:propfind>`,
    })
    return { status: response.status, body: await response.text() }
  }

  it('Radicale tells alice her principal', async () => {
    const { status, body } = await propfind(`${servers.radicaleUrl}/`, 'alice', '<D:current-user-principal/>')
    expect(status).toBe(207)
    expect(body).toMatch(/<(\w+:)?href>\/alice\/<\/(\w+:)?href>/)
  })

  it('Radicale has alice’s calendar collection', async () => {
    const { status, body } = await propfind(`${servers.radicaleUrl}/alice/calendar/`, 'alice', '<D:resourcetype/>')
    expect(status).toBe(207)
    expect(body).toMatch(/<(\w+:)?calendar\s*\/>/)
  })

  it('Cyrus answers for alice’s calendar home', async () => {
    const { status } = await propfind(`${servers.cyrusDavUrl}/dav/calendars/user/alice/`, 'alice', '<D:resourcetype/>')
    expect(status).toBe(207)
  })
})

describe('OpenLDAP', () => {
  const aliceDn = `uid=alice,ou=people,${servers.ldapBaseDn}`

  async function withLdap<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: servers.ldapUrl })
    try {
      return await use(client)
    } finally {
      await client.unbind()
    }
  }

  it('finds the three people with mail anonymously', async () => {
    const { searchEntries } = await withLdap((client) =>
      client.search(servers.ldapBaseDn, { scope: 'sub', filter: '(mail=*)', attributes: ['mail'] }),
    )
    expect(searchEntries.map((entry) => entry.mail).sort()).toEqual([alice.email, bob.email, servers.users.carol.email])
  })

  it('binds as alice after StartTLS', async () => {
    await withLdap(async (client) => {
      await client.startTLS({ ca: servers.caCert })
      await client.bind(aliceDn, alice.password)
    })
  })

  it('refuses a wrong password', async () => {
    await withLdap(async (client) => {
      await client.startTLS({ ca: servers.caCert })
      await expect(client.bind(aliceDn, 'wrong')).rejects.toBeInstanceOf(InvalidCredentialsError)
    })
  })
})

describe('ManageSieve', () => {
  it('greets with its capabilities', async () => {
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect(servers.sieve.port, servers.sieve.host)
      let received = ''
      socket.setEncoding('utf8')
      socket.on('data', (chunk) => {
        received += chunk
        // the capability list ends with an OK line
        if (/^OK/m.test(received)) {
          socket.end()
          resolve(received)
        }
      })
      socket.on('error', reject)
    })
    expect(greeting).toContain('"IMPLEMENTATION"')
    expect(greeting).toContain('"SIEVE"')
  })
})

describe('servers.sh on a second stack', () => {
  it('restarts Dovecot, then stops every recorded server', async () => {
    const second = await startThrowawayStack()
    try {
      expect(second.imap.port).not.toBe(servers.imap.port)
      expect(runningPids(second.dir)).toEqual(recordedPids(second.dir))
      expect([...recordedPids(second.dir).keys()].sort()).toEqual(['cyrus', 'dovecot', 'opensmtpd', 'radicale', 'slapd'])

      const dovecotBefore = recordedPids(second.dir).get('dovecot')
      await restartDovecot(second.dir)
      expect(recordedPids(second.dir).get('dovecot')).not.toBe(dovecotBefore)
      const client = imapClient(second, second.users.carol, 'starttls')
      await client.connect()
      await client.logout()
    } finally {
      await stopServers(second.dir)
    }
    expect(runningPids(second.dir).size).toBe(0)
    await rm(second.dir, { recursive: true, force: true })
  })
})
