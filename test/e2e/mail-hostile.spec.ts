import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { addAccount, appendTo, compose, emptyMailbox, expect, row, test } from './support/mail-fixtures'

// a trace snapshots every frame by running script in it, which the message sandbox refuses with a
// console error: these specs fail on any console error, so they run without traces
test.use({ trace: 'off' })
test.describe.configure({ timeout: 180_000 })

const corpusDir = resolve(import.meta.dirname, '../fixtures/hostile')
const corpus = readdirSync(corpusDir)
  .filter((file) => file.endsWith('.html'))
  .sort()
  .map((file) => {
    const html = readFileSync(join(corpusDir, file), 'utf8')
    const expected = /<!-- load-once:([^>]*)-->/.exec(html)?.[1]?.trim().split(/\s+/).filter(Boolean) ?? []
    return { subject: `Hostile: ${file.replace(/\.html$/, '')}`, html, expected }
  })

/** Stands in for every remote host a message names: records each connection and request. */
class RemoteHost {
  connections = 0
  requests: { path: string; headers: IncomingHttpHeaders }[] = []
  private server: Server = createServer((req, res) => {
    this.requests.push({ path: (req.url ?? '').split('?')[0] ?? '', headers: req.headers })
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')
    res.writeHead(200, { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store' }).end(gif)
  })

  async start(): Promise<string> {
    this.server.on('connection', () => this.connections++)
    await new Promise<void>((ready) => this.server.listen(0, '127.0.0.1', ready))
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  paths(): string[] {
    return [...new Set(this.requests.map((request) => request.path))].sort()
  }

  reset(): void {
    this.connections = 0
    this.requests = []
  }

  stop(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((done) => this.server.close(() => done()))
  }
}

/** What is in the message frame, read from the app (the frame runs no script of its own). */
function frameContents(app: Page) {
  return app.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('iframe[title^="Message:"]')
    const doc = frame?.contentDocument
    if (!frame || !doc) return null
    const all = [...doc.querySelectorAll('*')]
    return {
      sandbox: frame.getAttribute('sandbox'),
      url: doc.URL,
      dangerous: doc.querySelectorAll('script, iframe, frame, object, embed, form, input, button, meta[http-equiv="refresh"], base, link, style, svg, math, video, audio').length,
      handlers: all.flatMap((element) => [...element.attributes].filter((attribute) => attribute.name.startsWith('on')).map((attribute) => attribute.name)),
      hrefs: all.filter((element) => element.hasAttribute('href')).length,
      links: [...doc.querySelectorAll('[data-quire-href]')].map((element) => element.getAttribute('data-quire-href')),
    }
  })
}

let remote: RemoteHost
let host: string

test.beforeAll(async () => {
  remote = new RemoteHost()
  host = await remote.start()
})

test.afterAll(async () => {
  await remote.stop()
})

test.beforeEach(async ({ stack }) => {
  await emptyMailbox(stack, stack.users.alice)
  const messages = await Promise.all(
    corpus.map(({ subject, html }) =>
      compose({ from: 'Mallory <mallory@evil.test>', to: stack.users.alice.email, subject, html: html.replaceAll('{{remote}}', `http://${host}`).replaceAll('{{host}}', host) }),
    ),
  )
  await appendTo(stack, stack.users.alice, 'INBOX', messages)
  remote.reset()
})

test('hostile messages run nothing, go nowhere and load nothing remote while it is blocked', async ({ app, stack, webMode, problems }) => {
  const navigations: string[] = []
  app.on('framenavigated', (frame) => {
    if (frame === app.mainFrame()) navigations.push(frame.url())
  })
  await addAccount(webMode, stack, 'alice')
  // a link clicked by accident below must not open a real window
  await app.evaluate(() => (window.open = () => null))
  for (const { subject } of corpus) {
    await row(app, new RegExp(subject)).click()
    const frame = app.locator(`iframe[title="Message: ${subject}"]`)
    await expect(frame).toBeVisible()
    // give anything that would load or fire time to do so
    await app.waitForTimeout(1500)
    const contents = await frameContents(app)
    expect(contents, subject).toMatchObject({ sandbox: 'allow-same-origin', url: 'about:srcdoc', dangerous: 0, handlers: [], hrefs: 0 })
    for (const link of contents?.links ?? []) expect(link, subject).toMatch(/^(https?|mailto|tel):/)
    await expect(app.getByRole('region', { name: 'Remote content' })).toBeVisible()
    // hovering and clicking everything in the message changes nothing either
    await frame.contentFrame().locator('body').click({ position: { x: 30, y: 60 } })
    await app.keyboard.press('Tab')
  }
  expect(remote.connections, `requests while blocked: ${remote.paths().join(' ')}`).toBe(0)
  expect(navigations).toEqual([])
  expect(app.url()).toBe(webMode.url)
  expect(problems).toEqual([])
})

for (const { subject, expected } of corpus.filter((message) => message.expected.length > 0)) {
  test(`“Load once” fetches exactly the remote images of ${subject}`, async ({ app, stack, webMode }) => {
    await addAccount(webMode, stack, 'alice')
    await row(app, new RegExp(subject)).click()
    await expect(app.locator(`iframe[title="Message: ${subject}"]`)).toBeVisible()
    await app.waitForTimeout(1000)
    expect(remote.connections).toBe(0)

    await app.getByRole('region', { name: 'Remote content' }).getByRole('button', { name: 'Load once' }).click()
    await expect.poll(() => remote.paths(), { timeout: 15_000 }).toEqual([...expected].sort())
    // nothing else arrives later, and nothing that must never load
    await app.waitForTimeout(2000)
    expect(remote.paths()).toEqual([...expected].sort())
    expect(remote.requests.filter((request) => request.headers.referer !== undefined || request.headers.cookie !== undefined)).toEqual([])
    await expect(app.getByRole('region', { name: 'Remote content' })).toBeHidden()
  })
}

test('“Always for this sender” remembers the choice; other senders stay blocked', async ({ app, stack, webMode }) => {
  const subject = 'Hostile: remote-content'
  await appendTo(stack, stack.users.alice, 'INBOX', [
    await compose({ from: 'Friend <friend@example.test>', to: stack.users.alice.email, subject: 'From a friend', html: `<p>Hi</p><img src="http://${host}/friend.png" width="10" height="10">` }),
  ])
  await addAccount(webMode, stack, 'alice')
  await row(app, new RegExp(subject)).click()
  await app.getByRole('region', { name: 'Remote content' }).getByRole('button', { name: 'Always for this sender' }).click()
  await expect.poll(() => remote.paths(), { timeout: 15_000 }).toContain('/img.png')
  await row(app, /From a friend/).click()
  await expect(app.getByRole('region', { name: 'Remote content' })).toBeVisible()
  expect(remote.paths()).not.toContain('/friend.png')

  remote.reset()
  await app.reload()
  await row(app, new RegExp(subject)).click()
  await expect(app.getByRole('region', { name: 'Remote content' })).toBeHidden()
  await expect.poll(() => remote.paths(), { timeout: 15_000 }).toContain('/img.png')
})

test('a link whose text names another address shows its real target first; links open outside', async ({ app, stack, webMode }) => {
  await appendTo(stack, stack.users.alice, 'INBOX', [
    await compose({
      from: 'Bank <security@bank.example>',
      to: stack.users.alice.email,
      subject: 'Verify your account',
      html: '<p><a href="https://evil.test/login">https://www.bank.example/login</a></p><p><a href="https://docs.example/guide">Read the guide</a></p>',
    }),
  ])
  await addAccount(webMode, stack, 'alice')
  await app.evaluate(() => {
    const opened: string[] = []
    Object.assign(window, { openedLinks: opened })
    window.open = (url?: string | URL) => (opened.push(String(url)), null)
  })
  await row(app, /Verify your account/).click()
  const body = app.locator('iframe[title="Message: Verify your account"]').contentFrame()

  await body.getByRole('link', { name: 'https://www.bank.example/login' }).click()
  const warning = app.getByRole('alertdialog', { name: 'This link goes somewhere else' })
  await expect(warning).toContainText('https://evil.test/login')
  await warning.getByRole('button', { name: 'Cancel' }).click()
  expect(await app.evaluate(() => (window as unknown as { openedLinks: string[] }).openedLinks)).toEqual([])

  await body.getByRole('link', { name: 'Read the guide' }).click()
  expect(await app.evaluate(() => (window as unknown as { openedLinks: string[] }).openedLinks)).toEqual(['https://docs.example/guide'])

  await body.getByRole('link', { name: 'https://www.bank.example/login' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Open link' }).click()
  expect(await app.evaluate(() => (window as unknown as { openedLinks: string[] }).openedLinks)).toEqual(['https://docs.example/guide', 'https://evil.test/login'])
})
