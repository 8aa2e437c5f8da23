import type { Page } from '@playwright/test'
import type { ImapFlow } from 'imapflow'
import { createTransport } from 'nodemailer'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { connectPeer } from '../../integration/support/imap-peer'
import type { ServersEnv, TestUser } from '../../servers/harness'
import { startWebMode, type WebMode } from '../web-mode'
import { callMain, testAccountSettings } from './main-rpc.mjs'
import { test as base, expect } from './servers-fixture'

/**
 * Web mode that can be killed and brought back on the same port and data dir — the page keeps its
 * origin, so IndexedDB (drafts, the outbox) survives like it does in the app — and the page on it.
 */
export class Quire {
  web: WebMode | null = null
  port = 0
  /** lines main printed on stdout since it started (the crash hook announces itself there) */
  readonly output: string[] = []
  readonly problems: string[] = []
  /** main is down on purpose: what the page logs about it is expected */
  private down = false
  private readonly peers: ImapFlow[] = []

  constructor(
    readonly page: Page,
    readonly servers: ServersEnv,
    readonly dataDir: string,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error' && !this.down) this.problems.push(`console error: ${message.text()}`)
    })
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}${process.env.QUIRE_E2E_STACKS ? `\n${error.stack}` : ''}`))
  }

  /** Starts main (with `env`, e.g. the crash hook) and opens the app on it. */
  async start(env: Record<string, string> = {}): Promise<void> {
    const web = await startWebMode({ dataDir: this.dataDir, port: this.port, env: { NODE_EXTRA_CA_CERTS: this.servers.caCertPath, ...env } })
    this.web = web
    this.port = Number(new URL(web.url).port)
    this.output.length = 0
    createInterface({ input: web.process.stdout! }).on('line', (line) => this.output.push(line))
    this.down = false
    await this.page.goto(web.url)
  }

  /** SIGKILL: no shutdown, no flush — a crash. */
  async kill(): Promise<void> {
    const web = this.web
    if (!web) return
    this.down = true
    const exited = new Promise((resolve) => web.process.once('exit', resolve))
    web.process.kill('SIGKILL')
    await exited
    this.web = null
  }

  /** Main again on the same port and data dir, and the page reloaded on it. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.kill()
    await this.start(env)
  }

  /** Waits until main printed `line` (e.g. the crash hook's announcement). */
  async printed(line: string): Promise<void> {
    await expect.poll(() => this.output.includes(line), { timeout: 30_000 }).toBe(true)
  }

  get url(): string {
    if (!this.web) throw new Error('web mode is not running')
    return this.web.url
  }

  /** Adds `user` as an account over implicit TLS (993/465), optionally through another SMTP port. */
  async addAccount(user: TestUser, name: string, smtpPort = this.servers.submission.tlsPort): Promise<void> {
    const settings = testAccountSettings({ host: this.servers.imap.host, imapPort: this.servers.imap.tlsPort, smtpPort }, { email: user.email, name, color: '#2f6feb' })
    await callMain(this.url, 'accounts.add', { settings, password: user.password })
  }

  /** Another IMAP client on `user`'s mailbox, to see what the server holds. */
  async peer(user: TestUser): Promise<ImapFlow> {
    const client = await connectPeer(this.servers, user)
    this.peers.push(client)
    return client
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((peer) => peer.logout().catch(() => undefined)))
    if (this.web) {
      this.down = true
      await this.web.stop()
    }
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** UIDs in `path` of messages whose Subject contains `subject`. */
export async function withSubject(peer: ImapFlow, path: string, subject: string): Promise<number[]> {
  const lock = await peer.getMailboxLock(path)
  try {
    await peer.noop()
    return (await peer.search({ subject }, { uid: true })) || []
  } finally {
    lock.release()
  }
}

export async function source(peer: ImapFlow, path: string, uid: number): Promise<Buffer> {
  const lock = await peer.getMailboxLock(path)
  try {
    const message = await peer.fetchOne(String(uid), { source: true }, { uid: true })
    if (!message || !message.source) throw new Error(`no message ${uid} in ${path}`)
    return message.source
  } finally {
    lock.release()
  }
}

/** Waits for a message with this subject in `path`; returns its UIDs. */
export async function arrives(peer: ImapFlow, path: string, subject: string): Promise<number[]> {
  let uids: number[] = []
  await expect.poll(async () => (uids = await withSubject(peer, path, subject)).length, { timeout: 30_000, message: `“${subject}” in ${path}` }).toBeGreaterThan(0)
  return uids
}

/**
 * A message submitted as alice behind everything the app sent before it (one submission server,
 * one queue): once it is in bob's INBOX, whatever the app had sent has arrived too.
 */
export async function submitMarker(quire: Quire): Promise<void> {
  const { alice, bob } = quire.servers.users
  const subject = `marker ${Math.random().toString(36).slice(2, 10)}`
  const transport = createTransport({
    host: quire.servers.submission.host,
    port: quire.servers.submission.tlsPort,
    secure: true,
    tls: { ca: quire.servers.caCert },
    auth: { user: alice.email, pass: alice.password },
  })
  try {
    await transport.sendMail({ from: alice.email, to: bob.email, subject, text: 'marker' })
  } finally {
    transport.close()
  }
  await arrives(await quire.peer(bob), 'INBOX', subject)
}

/** The servers of the worker (servers-fixture.ts) and, per test, web mode that a test may kill and restart. */
export const test = base.extend<{ quire: Quire }>({
  quire: async ({ page, stack }, use) => {
    const quire = new Quire(page, stack, mkdtempSync(join(tmpdir(), 'quire-e2e-compose-')))
    await quire.start()
    await use(quire)
    await quire.close()
    expect(quire.problems, 'the page logged errors').toEqual([])
  },
})

export { expect }

/** The composer, as the user sees it. */
export function composerOf(page: Page) {
  const dialog = page.getByRole('dialog').filter({ has: page.getByRole('button', { name: 'Send', exact: true }) })
  return {
    dialog,
    async addRecipient(field: 'To' | 'Cc' | 'Bcc', address: string) {
      if (field !== 'To' && !(await dialog.getByRole('combobox', { name: field }).isVisible())) await dialog.getByRole('button', { name: field, exact: true }).click()
      const input = dialog.getByRole('combobox', { name: field })
      await input.fill(address)
      await input.press('Enter')
      await expect(dialog.getByRole('list', { name: `${field}: chosen` })).toContainText(address)
    },
    subject: dialog.getByRole('textbox', { name: 'Subject' }),
    body: dialog.getByRole('textbox', { name: 'Message' }),
    send: dialog.getByRole('button', { name: 'Send', exact: true }),
  }
}

/** Serious and critical axe-core violations inside `selector` (the composer, the Outbox). */
export async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  // evaluated through the DevTools protocol: the app's CSP (rightly) refuses an injected <script>
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'))
  const violations = await page.evaluate(async (include) => {
    type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Violation[] }> } }).axe
    return (await axe.run({ include: [[include]] }, { resultTypes: ['violations'] })).violations
  }, selector)
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`)
}
