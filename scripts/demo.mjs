#!/usr/bin/env node
// `npm run demo [-- --keep]`: the real local test servers, alice's and bob's mailboxes seeded with a
// few hundred varied messages, web mode with both accounts added, and the URL printed. Ctrl+C stops
// everything and removes the servers' directory (unless --keep).
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseEnv } from 'node:util'
import { callMain, testAccountSettings } from '../test/e2e/support/main-rpc.mjs'
import { appendMailbox, sampleMailbox } from '../test/e2e/support/sample-mail.mjs'

const root = join(import.meta.dirname, '..')
const keep = process.argv.includes('--keep')
const log = (text) => process.stderr.write(`demo: ${text}\n`)

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
    child.once('exit', (code) => resolve(code ?? 1))
  })
}

/**
 * servers.sh exits 3 when a port of the stack is taken: try the next PORT_BASE (stacks sit 1000
 * apart). A server that was slow to start (a busy machine) gets one more try.
 */
async function startServers() {
  let failures = 0
  for (let base = 30000; base <= 40000; base += 1000) {
    const dir = await mkdtemp('/tmp/quire-demo-')
    const code = await run('bash', ['test/servers/servers.sh', 'start', dir], { PORT_BASE: String(base) })
    if (code === 0) return { dir, env: parseEnv(await readFile(join(dir, 'servers.env'), 'utf8')) }
    if (code !== 3 && ++failures > 1) throw new Error(`the test servers did not start (exit ${code}); see ${dir}/logs`)
    // a failed start stopped what it started; its logs are kept only for the last try
    await rm(dir, { recursive: true, force: true })
  }
  throw new Error('no free PORT_BASE between 30000 and 40000')
}

/** Stands in for a newsletter's image host, on loopback: what "Load once" fetches in the demo. */
function startImageHost() {
  const banner = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="160"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#2f6feb"/><stop offset="1" stop-color="#8a5cf6"/></linearGradient></defs><rect width="600" height="160" rx="12" fill="url(#g)"/><text x="32" y="96" font-family="Georgia" font-size="40" fill="#fff">The Weekly Digest</text></svg>`
  const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')
  const server = createServer((req, res) => {
    const svg = req.url?.startsWith('/banner.svg')
    res.writeHead(200, { 'Content-Type': svg ? 'image/svg+xml' : 'image/gif', 'Cache-Control': 'no-store' })
    res.end(svg ? banner : gif)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

function startWebMode(dataDir, caPath) {
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('QUIRE_URL=')) resolve(line.slice('QUIRE_URL='.length))
    })
    child.once('exit', (code) => reject(new Error(`web mode exited (${code}) before printing its URL`)))
  })
  return { child, url }
}

async function main() {
  log('starting the test servers…')
  const { dir, env } = await startServers()
  const imageHost = await startImageHost()
  const remoteBase = `http://127.0.0.1:${imageHost.address().port}`
  let web
  const stop = async (code = 0) => {
    web?.child.kill('SIGTERM')
    imageHost.close()
    await run('bash', ['test/servers/servers.sh', 'stop', dir, ...(keep ? [] : ['--clean'])])
    process.exit(code)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  try {
    const host = env.SERVERS_HOST
    const ca = await readFile(env.TEST_CA_CERT, 'utf8')
    const users = [
      { name: 'Alice', email: env.TEST_EMAIL_alice, password: env.TEST_PASSWORD_alice, color: '#2f6feb', count: 320, seed: 11 },
      { name: 'Bob', email: env.TEST_EMAIL_bob, password: env.TEST_PASSWORD_bob, color: '#d97706', count: 160, seed: 23 },
    ]
    for (const user of users) {
      log(`seeding ${user.email}…`)
      const owner = { name: `${user.name} Example`, address: user.email }
      const messages = await sampleMailbox({ owner, count: user.count, seed: user.seed, remoteBase })
      await appendMailbox({ host, port: Number(env.IMAPS_PORT), ca, user: user.email, password: user.password }, messages)
    }
    log('starting web mode…')
    web = startWebMode(join(dir, 'quire'), env.TEST_CA_CERT)
    const url = await web.url
    for (const user of users) {
      const settings = testAccountSettings({ host, imapPort: Number(env.IMAPS_PORT), smtpPort: Number(env.SUBMISSIONS_PORT) }, { email: user.email, name: user.name, color: user.color })
      await callMain(url, 'accounts.add', { settings: { ...settings, displayName: `${user.name} Example` }, password: user.password })
    }
    process.stdout.write(`QUIRE_URL=${url}\n`)
    log(`servers in ${dir}; Ctrl+C stops everything`)
  } catch (error) {
    log(error instanceof Error ? error.message : String(error))
    await stop(1)
  }
}

await main()
