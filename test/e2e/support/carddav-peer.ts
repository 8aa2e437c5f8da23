import { spawn } from 'node:child_process'
import { openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { recordedPids, type ServersEnv, type TestUserName } from '../../servers/harness'
import type { WebMode } from '../web-mode'
import { callMain } from './main-rpc.mjs'

/** A second CardDAV client, plain fetch with Basic auth: seeds cards and checks what reached the server. */
export function carddavPeer(stack: ServersEnv, user: TestUserName, server: 'radicale' | 'cyrus') {
  const auth = `Basic ${Buffer.from(`${user}:${stack.users[user].password}`).toString('base64')}`
  const bookUrl = server === 'radicale' ? `${stack.radicaleUrl}/${user}/contacts/` : `${stack.cyrusDavUrl}/dav/addressbooks/user/${user}/Default/`
  const request = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { authorization: auth, ...(init.headers as Record<string, string>) } })
  return {
    bookUrl,
    serverUrl: server === 'radicale' ? stack.radicaleUrl : stack.cyrusDavUrl,
    put: (name: string, vcard: string) => request(`${bookUrl}${name}`, { method: 'PUT', body: vcard, headers: { 'content-type': 'text/vcard; charset=utf-8' } }),
    get: (href: string) => request(new URL(href, bookUrl).href),
    /** every card in the address book, as the server stores it */
    async cards(): Promise<{ href: string; text: string }[]> {
      const listing = await (await request(bookUrl, { method: 'PROPFIND', headers: { depth: '1', 'content-type': 'application/xml' }, body: '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>' })).text()
      const hrefs = [...listing.matchAll(/<(?:\w+:)?href>([^<]+)<\/(?:\w+:)?href>/g)].map((m) => m[1]!).filter((h) => h.endsWith('.vcf'))
      return Promise.all(hrefs.map(async (href) => ({ href, text: await (await request(new URL(href, bookUrl).href)).text() })))
    },
    async cardWith(text: string): Promise<{ href: string; text: string } | undefined> {
      return (await this.cards()).find((c) => c.text.includes(text))
    },
    /** empties the address book, so a test starts from what it seeds */
    async clear(): Promise<void> {
      for (const card of await this.cards()) await request(new URL(card.href, bookUrl).href, { method: 'DELETE' })
    },
  }
}

export const vcard = (lines: string[]) => `${['BEGIN:VCARD', ...lines, 'END:VCARD'].join('\r\n')}\r\n`

/** Adds a DAV account with contacts only, as a set-up step (the DAV account UI has its own tests). */
export async function addDavAccount(webMode: WebMode, stack: ServersEnv, user: TestUserName, server: 'radicale' | 'cyrus', name: string) {
  return callMain(webMode.url, 'dav.accounts.add', {
    settings: {
      name,
      serverUrl: server === 'radicale' ? stack.radicaleUrl : stack.cyrusDavUrl,
      username: user,
      mailAccountId: null,
      calendars: false,
      contacts: true,
      syncIntervalSeconds: 300,
      color: '#8250df',
    },
    password: stack.users[user].password,
  })
}

/**
 * Stops this stack's slapd (its recorded PID) and returns what starts it again with the same
 * command line, recording the new PID so the stack's stop still finds it.
 */
export async function stopSlapd(stack: ServersEnv): Promise<() => Promise<void>> {
  const pid = recordedPids(stack.dir).get('slapd')
  if (!pid) throw new Error('no slapd PID recorded')
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 200; i++) {
    if (!alive(pid)) break
    await new Promise((r) => setTimeout(r, 25))
  }
  return async () => {
    const log = openSync(join(stack.dir, 'logs', 'slapd.log'), 'a')
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', log, log] })
    child.unref()
    writeFileSync(join(stack.dir, 'pids', 'slapd.pid'), String(child.pid))
    const port = Number(new URL(stack.ldapUrl).port)
    for (let i = 0; i < 200; i++) {
      if (await listening(port)) return
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error('slapd did not come back')
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function listening(port: number): Promise<boolean> {
  const { connect } = await import('node:net')
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}
