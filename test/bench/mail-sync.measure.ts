import 'fake-indexeddb/auto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { AccountRegistry } from '../../src-main/accounts/account-registry'
import { CertificateTrust } from '../../src-main/accounts/certificate-trust'
import { FileVault } from '../../src-main/accounts/file-vault'
import { AccountSettings, type AccountId } from '../../src-main/common/domain/account'
import type { FolderCursor, FolderDelta } from '../../src-main/common/domain/mail'
import { createMailService } from '../../src-main/mail/mail-service'
import { applyDelta } from '../../src-renderer/store/apply-delta'
import { QuireDatabase } from '../../src-renderer/store/database'
import { startWebMode } from '../e2e/web-mode'
import type { TestUserName } from '../servers/harness'
import { accountFor, launchChromium, mainClient, waitForCached } from './browser'
import { measureCachedFolder } from './cached-folder'
import { rendererPids, samplePeaks } from './memory-detail'
import { load, median, record, wanted } from './figures'
import { rawClient, rawHeaderFetch } from './raw-imapflow'
import { seedFolder } from './seed-maildir'
import { cpuSpent, cpuTimes, logFrames, profileMain } from './sync-diagnosis'

const servers = inject('servers')
const FOLDER = 'Bench'
const sizes: { label: string; user: TestUserName; count: number; runs: number }[] = [
  { label: '10k', user: 'bob', count: 10_000, runs: Number(process.env.QUIRE_BENCH_RUNS) || 3 },
  { label: '100k', user: 'carol', count: 100_000, runs: 1 },
]

beforeAll(() => {
  for (const size of sizes) if (wantsSync(size.label) || wanted(`mail.resync`) || wanted(`mail.sync.main-only.${size.label}`)) seedFolder(servers, size.user, FOLDER, size.count)
})

/** The figures taken in a page that has synced a folder: the sync itself, then (c) opening it, search and memory. */
const wantsSync = (label: string) => ['mail.sync.initial', 'mail.open.cached', 'mail.follow.cached', 'mail.search.two-term', 'mail.memory'].some((name) => wanted(`${name}.${label}`))

describe.each(sizes)('mail sync, $label messages', ({ label, user, count, runs }) => {
  it('(a) initial header sync into IndexedDB in Chromium through web mode, beside raw imapflow', async ({ skip }) => {
    if (!wantsSync(label)) skip()
    const raw: number[] = []
    const ours: number[] = []
    const loads: string[] = []
    const browser = await launchChromium()
    try {
      for (let run = 0; run < runs; run++) {
        const rawCpu = cpuTimes()
        const baseline = await rawHeaderFetch(servers, user, FOLDER)
        expect(baseline.count).toBe(count)
        raw.push(baseline.ms)
        cpuSpent(rawCpu, `the raw fetch (${Math.round(baseline.ms)} ms)`)

        // a fresh web mode (its own port, so its own IndexedDB); the app is started without an account and
        // the account is added as a user adds it, so the time runs from the add (main logs in, lists,
        // syncs) to the last header in IndexedDB, as the baseline's runs from login to the last message
        // QUIRE_BENCH_INSPECT_MAIN: main's V8 heap is read through its inspector for the memory detail,
        // QUIRE_BENCH_MAIN_PROFILE: main's CPU profile is taken through it (diagnosis, sync-diagnosis.ts)
        const inspect = process.env.QUIRE_BENCH_INSPECT_MAIN || process.env.QUIRE_BENCH_MAIN_PROFILE
        const web = await startWebMode({ env: { NODE_EXTRA_CA_CERTS: servers.caCertPath, ...(inspect ? { NODE_OPTIONS: '--inspect=127.0.0.1:0' } : {}) } })
        try {
          const page = await browser.newPage()
          const timeline = { started: Infinity }
          if (run === runs - 1) logFrames(page, timeline)
          await page.goto(web.url)
          await page.getByText('Add an account to get started').waitFor({ timeout: 60_000 })
          const client = await mainClient(web.url)
          // the last run's peaks: main's and each renderer's largest resident size during the sync and its indexing
          const peaks = run === runs - 1 && wanted(`mail.memory.${label}`) ? samplePeaks([web.process.pid!, ...(await rendererPids(browser))]) : null
          const profiler = run === runs - 1 ? await profileMain(web.process.pid!) : null
          const cpuBefore = cpuTimes()
          const started = performance.now()
          timeline.started = started
          const account = await client.call('accounts.add', { settings: accountFor(servers, user), password: servers.users[user].password })
          client.close()
          ours.push((await waitForCached(page, account.id, FOLDER, count, 15 * 60_000)) - started)
          cpuSpent(cpuBefore, `our sync (${Math.round(ours.at(-1)!)} ms)`)
          await profiler?.stop()
          loads.push(load())
          // on the folder the last run synced: opening it, searching it, memory once idle
          if (run === runs - 1) await measureCachedFolder(browser, page, web, FOLDER, count, label, load(), peaks)
          await page.close()
        } finally {
          await web.stop()
        }
      }
    } finally {
      await browser.close()
    }
    const runsNote = ours.map((ms, i) => `${(ms / raw[i]!).toFixed(2)}× at ${loads[i]}`).join('; ')
    if (wanted(`mail.sync.initial.${label}`)) record({ name: `mail.sync.initial.${label}`, value: median(ours), unit: 'ms', baseline: median(raw), target: 1.3, note: runsNote })
  })

  it("main's side alone: the app's sync and backfill calls (no store, no page), beside raw imapflow", async ({ skip }) => {
    if (!wanted(`mail.sync.main-only.${label}`)) skip()
    // the batch sizes the renderer asks for (sync-coordinator.ts), and the 5000 it asked for before;
    // each with a fresh service, so each logs in as the raw baseline does; the first round only warms
    // up (this process's JIT, the server's cache), it was always the slowest whatever its batch size
    const notes: string[] = []
    let ours = 0
    let raw = 0
    for (const [round, backfillBatch] of [5000, 2000, 1000, 5000].entries()) {
      const { mail, accountId } = await mailServiceFor(user)
      try {
        const baseline = await rawHeaderFetch(servers, user, FOLDER)
        const cpuBefore = cpuTimes()
        const started = performance.now()
        let delta = await Promise.resolve(mail.handlers['mail.sync']({ accountId, path: FOLDER, cursor: null, limit: 500 }, ctx()))
        let fetched = delta.added.length
        let cursor = delta.cursor
        while (!cursor.backfillDone) {
          delta = await Promise.resolve(mail.handlers['mail.backfill']({ accountId, path: FOLDER, cursor, limit: backfillBatch, since: null }, ctx()))
          fetched += delta.added.length
          cursor = delta.cursor
        }
        const ms = performance.now() - started
        cpuSpent(cpuBefore, `main's calls alone, batches of ${backfillBatch} (${Math.round(ms)} ms)`)
        expect(fetched).toBe(count)
        if (round === 0) continue
        notes.push(`batches of ${backfillBatch}: ${Math.round(ms)} ms = ${(ms / baseline.ms).toFixed(2)}× at ${load()}`)
        if (backfillBatch === 2000) [ours, raw] = [ms, baseline.ms]
      } finally {
        await mail.close()
      }
    }
    record({ name: `mail.sync.main-only.${label}`, value: ours, unit: 'ms', baseline: raw, target: null, note: notes.join('; ') })
  })

  it('(b) resync after 100 flag changes and 10 expunges by another client, beside a bare QRESYNC exchange', async ({ skip }) => {
    if (!wanted('mail.resync')) skip()
    const { mail, accountId } = await mailServiceFor(user)
    const db = new QuireDatabase(`bench-resync-${label}`)
    try {
      // the cache as the store keeps it: every header and the cursor, committed together
      let cursor = await syncAll(mail, db, accountId)

      const peer = rawClient(servers, user)
      await peer.connect()
      await peer.mailboxOpen(FOLDER)
      const uids = (await peer.search({ all: true }, { uid: true })) || []
      const step = Math.floor(uids.length / 110)
      const flagged = Array.from({ length: 100 }, (_, i) => uids[i * step]!)
      const expunged = Array.from({ length: 10 }, (_, i) => uids[(100 + i) * step]!)
      await peer.messageFlagsAdd(flagged, ['$Bench'], { uid: true })
      await peer.messageDelete(expunged, { uid: true })
      await peer.logout()

      const before = cursor
      const started = performance.now()
      const delta = await sync(mail, accountId, before)
      await applyDelta(db, accountId, FOLDER, delta)
      const oursMs = performance.now() - started
      expect(delta.changed.length).toBeGreaterThanOrEqual(100)
      expect(delta.vanished).toHaveLength(10)
      cursor = delta.cursor

      // the same exchange with imapflow alone: SELECT (QRESYNC (uidvalidity modseq)) and the changes
      const bare = rawClient(servers, user)
      await bare.connect()
      const bareStarted = performance.now()
      await bare.mailboxOpen(FOLDER, { readOnly: true, uidValidity: BigInt(before.uidValidity), changedSince: BigInt(before.highestModseq!) } as never)
      const selectMs = performance.now() - bareStarted
      await bare.fetchAll('1:*', { uid: true, flags: true }, { uid: true, changedSince: BigInt(before.highestModseq!) })
      const bareMs = performance.now() - bareStarted
      await bare.logout()

      // the server's own cost of opening a folder of this size, with nothing changed
      const plain = rawClient(servers, user)
      await plain.connect()
      const plainStarted = performance.now()
      await plain.mailboxOpen(FOLDER, { readOnly: true })
      const plainSelectMs = performance.now() - plainStarted
      await plain.logout()

      record({ name: `mail.resync.${label}`, value: oursMs, unit: 'ms', baseline: bareMs, target: 1.3 })
      record({ name: `mail.resync.${label}.baseline-select-qresync`, value: selectMs, unit: 'ms', baseline: null, target: null })
      record({ name: `mail.resync.${label}.server-select`, value: plainSelectMs, unit: 'ms', baseline: null, target: null })
    } finally {
      db.close()
      await mail.close()
    }
  })
})

/** Main's mail service alone (no router, no window), trusting the test CA as the user would after the prompt. */
async function mailServiceFor(user: TestUserName) {
  const dir = mkdtempSync(join(tmpdir(), 'quire-bench-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const trust = await CertificateTrust.open(join(dir, 'trust.json'))
  await trust.trust(servers.imap.host, servers.imap.tlsPort, servers.caCert)
  const accounts = await AccountRegistry.open({ file: join(dir, 'accounts.json'), vault, trust })
  const account = await accounts.add(AccountSettings.parse(accountFor(servers, user)), servers.users[user].password)
  return { mail: createMailService(accounts), accountId: account.id }
}

const ctx = () => ({ signal: new AbortController().signal })

function sync(mail: ReturnType<typeof createMailService>, accountId: AccountId, cursor: FolderCursor | null): Promise<FolderDelta> {
  return Promise.resolve(mail.handlers['mail.sync']({ accountId, path: FOLDER, cursor, limit: 1000 }, ctx()))
}

async function syncAll(mail: ReturnType<typeof createMailService>, db: QuireDatabase, accountId: AccountId): Promise<FolderCursor> {
  let delta = await sync(mail, accountId, null)
  await applyDelta(db, accountId, FOLDER, delta)
  while (delta.more) {
    delta = await sync(mail, accountId, delta.cursor)
    await applyDelta(db, accountId, FOLDER, delta)
  }
  let cursor = delta.cursor
  while (!cursor.backfillDone) {
    const older = await Promise.resolve(mail.handlers['mail.backfill']({ accountId, path: FOLDER, cursor, limit: 5000, since: null }, ctx()))
    await applyDelta(db, accountId, FOLDER, older)
    cursor = older.cursor
  }
  return cursor
}
