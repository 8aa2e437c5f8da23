import { chromium, type Browser, type Page } from 'playwright-core'
import { WebSocket } from 'ws'
import type { AccountSettings } from '../../src-main/common/domain/account'
import { createClient, type Client } from '../../src-renderer/rpc/client'
import { openWebSocket, rpcUrlFor } from '../../src-renderer/rpc/websocket-connection'
import type { ServersEnv, TestUserName } from '../servers/harness'

/**
 * Debian's Chromium, as the e2e tests run it (playwright.config.ts), with V8's `gc` exposed to pages
 * as the Electron shell does (electron-main.ts), so the page collects after a sync as the app does;
 * QUIRE_BENCH_NO_GC=1 measures a plain browser (web mode) instead.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.QUIRE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      ...(process.env.QUIRE_BENCH_NO_GC ? [] : ['--js-flags=--expose-gc']),
    ],
  })
}

/** A client of web mode's main over its WebSocket, as the page would have. */
export async function mainClient(url: string): Promise<Client> {
  return createClient(await openWebSocket(rpcUrlFor(url), WebSocket as never))
}

export function accountFor(servers: ServersEnv, user: TestUserName): AccountSettings {
  return {
    name: `${user} bench`,
    displayName: user,
    email: servers.users[user].email,
    username: servers.users[user].email,
    imap: { host: servers.imap.host, port: servers.imap.tlsPort, security: 'tls' },
    smtp: { host: servers.submission.host, port: servers.submission.port, security: 'starttls' },
    maxConnections: 3,
    pollIntervalSeconds: 3600,
    prefetchDays: 0,
    color: '#2f6feb',
  }
}

/** How many headers of a folder the page has in IndexedDB, read with the raw API (Dexie lives in the app's module scope). */
export function cachedCount(page: Page, accountId: string, path: string): Promise<number> {
  return page.evaluate(
    ({ accountId, path }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('quire')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('messages')) return (db.close(), resolve(0))
          const range = IDBKeyRange.bound([accountId, path, -Infinity], [accountId, path, Infinity])
          const request = db.transaction('messages').objectStore('messages').index('[accountId+path+internalDate]').count(range)
          request.onsuccess = () => (db.close(), resolve(request.result))
          request.onerror = () => (db.close(), reject(request.error))
        }
      }),
    { accountId, path },
  )
}

/**
 * Whether the folder's stored cursor says its backfill is done. The cursor commits in the same
 * transaction as the last batch of headers, so it turns true at the moment the last header is in.
 * Reading one small row is what the poll does every 25 ms: counting a 100k folder's index entries
 * that often competed with the sync it was timing.
 */
function backfillDone(page: Page, accountId: string, path: string): Promise<boolean> {
  return page.evaluate(
    ({ accountId, path }) =>
      new Promise<boolean>((resolve, reject) => {
        const open = indexedDB.open('quire')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('cursors')) return (db.close(), resolve(false))
          const request = db.transaction('cursors').objectStore('cursors').get([accountId, path])
          request.onsuccess = () => (db.close(), resolve((request.result as { backfillDone?: boolean } | undefined)?.backfillDone === true))
          request.onerror = () => (db.close(), reject(request.error))
        }
      }),
    { accountId, path },
  )
}

/** Polls until the folder holds `expected` headers; returns when it first saw them (the cursor's word, checked by a count). */
export async function waitForCached(page: Page, accountId: string, path: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await backfillDone(page, accountId, path).catch(() => false)) {
      const seen = performance.now()
      const count = await cachedCount(page, accountId, path)
      if (count >= expected) return seen
      throw new Error(`the backfill of ${path} ended with ${count} of ${expected} headers cached`)
    }
    if (Date.now() > deadline) throw new Error(`only ${await cachedCount(page, accountId, path).catch(() => 0)} of ${expected} headers of ${path} were cached after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
