import type { Browser, Page } from 'playwright-core'
import type { WebMode } from '../e2e/web-mode'
import { median, percentile, record, wanted } from './figures'
import { timeSearchesInPage } from './in-page'
import { chromiumCpuMs, collectPageGarbage, emptyPageRendererMb, mainHeap, pageCounters, rendererPids, residentParts, rssMb, writePageHeapSnapshot, allocatorDump } from './memory-detail'

/** How many messages the page's full-text index holds (raw IndexedDB: the index lives in the app's module scope). */
export function indexedCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('quire-search')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('entries')) return (db.close(), resolve(0))
          const request = db.transaction('entries').objectStore('entries').count()
          request.onsuccess = () => (db.close(), resolve(request.result))
          request.onerror = () => (db.close(), reject(request.error))
        }
      }),
  )
}

async function waitForIndexed(page: Page, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const count = await indexedCount(page).catch(() => 0)
    if (count >= expected) return
    if (Date.now() > deadline) throw new Error(`only ${count} of ${expected} messages were in the search index after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const firstRowSelector = '[role="listbox"] [role="option"][aria-posinset="1"] .subject .text'

async function open(page: Page, mailbox: string): Promise<void> {
  await page.locator('nav[aria-label="Mailboxes"] button.item').filter({ has: page.locator('.label', { hasText: new RegExp(`^${mailbox}$`) }) }).click()
  await page.locator('.list-pane h1', { hasText: mailbox }).waitFor({ timeout: 60_000 })
}

const firstRowText = async (page: Page) => {
  await page.waitForSelector(firstRowSelector, { timeout: 60_000 })
  return page.locator(firstRowSelector).textContent()
}

/**
 * In the page: clicks a mailbox in the navigation and times until its first row shows `firstRow`
 * (the list reuses row elements, so the text tells the new rows from the old ones) and a frame was painted.
 */
function timeOpen(page: Page, mailbox: string, firstRow: string | null): Promise<number> {
  return page.evaluate(
    async ({ mailbox, selector, firstRow }) => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Mailboxes"] button.item')].find((b) => b.querySelector('.label')?.textContent?.trim() === mailbox)
      if (!button) throw new Error(`no mailbox ${mailbox} in the navigation`)
      const started = performance.now()
      button.click()
      const deadline = started + 60_000
      const shown = () => document.querySelector('.list-pane h1')?.textContent === mailbox && (firstRow === null || document.querySelector(selector)?.textContent === firstRow)
      while (!shown()) {
        if (performance.now() > deadline) throw new Error(`${mailbox} showed no row within a minute`)
        await new Promise<void>((r) => {
          const observer = new MutationObserver(() => (observer.disconnect(), r()))
          observer.observe(document.body, { childList: true, subtree: true, characterData: true })
          setTimeout(() => (observer.disconnect(), r()), 50)
        })
      }
      // painted: the next frame has been produced
      await new Promise(requestAnimationFrame)
      return performance.now() - started
    },
    { mailbox, selector: firstRowSelector, firstRow },
  )
}

/** In the page, from navigation: notes (`quireBenchNav`) when the mailbox navigation first shows a mailbox. */
function markFirstPaints(): void {
  const seen = () => {
    if (!document.querySelector('nav[aria-label="Mailboxes"] button.item')) return false
    ;(window as unknown as { quireBenchNav?: number }).quireBenchNav = performance.now()
    return true
  }
  const observer = new MutationObserver(() => seen() && observer.disconnect())
  document.addEventListener('DOMContentLoaded', () => seen() || observer.observe(document.body, { childList: true, subtree: true }))
}

/** Two-word searches as a person types them: names, topics, thread numbers, and common body words (the worst case: most messages match). */
export const SEARCHES = ['grace budget', 'hiro release', 'quarterly report', 'ana offsite', 'lunch friday', 'dmitri escalation', 'design crit', 'team numbers', 'figures everyone', 'ingrid 4711']

/**
 * What is measured on a folder already synced into the page: (c) opening it, two-term search
 * and resident memory. `label` names the size (10k, 100k).
 */
export async function measureCachedFolder(browser: Browser, page: Page, web: WebMode, folder: string, count: number, label: string, note: string, peaks: (() => Map<number, number>) | null = null): Promise<void> {
  if (wanted(`mail.search.two-term.${label}`) || wanted(`mail.memory.${label}`)) {
    const started = performance.now()
    await waitForIndexed(page, count, 20 * 60_000)
    record({ name: `mail.search.index-after-sync.${label}`, value: performance.now() - started, unit: 'ms', baseline: null, target: null, note })
  }
  if (peaks) {
    const largest = peaks()
    const renderer = (await rendererPids(browser))[0]
    const mainPeak = largest.get(web.process.pid!) ?? 0
    const rendererPeak = renderer === undefined ? 0 : (largest.get(renderer) ?? 0)
    record({ name: `mail.memory.${label}.peak-during-sync`, value: mainPeak + rendererPeak, unit: 'MB', baseline: null, target: null, note: `${note}; the largest VmRSS of main (${mainPeak.toFixed(0)} MB) and of the page's renderer (${rendererPeak.toFixed(0)} MB), sampled every 250 ms from adding the account until its full-text index was complete` })
  }

  if (wanted(`mail.open.cached.${label}`)) {
    // once the index holds the folder, as after any earlier session (indexing competes for IndexedDB)
    await waitForIndexed(page, count, 20 * 60_000)
    // each time from the unified inbox (the account's INBOX holds none of the folder's messages)
    await open(page, folder)
    const folderFirst = (await firstRowText(page)) ?? ''
    const runs: number[] = []
    for (let run = 0; run < 5; run++) {
      await timeOpen(page, 'All Inboxes', null)
      await new Promise((r) => setTimeout(r, 500))
      runs.push(await timeOpen(page, folder, folderFirst))
    }
    record({ name: `mail.open.cached.${label}`, value: median(runs), unit: 'ms', baseline: null, target: label === '100k' ? 200 : null, note })

    // the app started anew on the folder the user left open: navigation to its first rows painted;
    // beside it, when the mailbox navigation first showed (the app's boot, same reloads)
    await page.addInitScript(markFirstPaints)
    const starts: number[] = []
    const boots: number[] = []
    for (let run = 0; run < 3; run++) {
      await page.reload()
      await page.waitForSelector(firstRowSelector, { timeout: 60_000 })
      starts.push(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())))))
      boots.push(await page.evaluate(() => (window as unknown as { quireBenchNav?: number }).quireBenchNav ?? Number.NaN))
    }
    console.log(`app start, ${label}: first row painted ${starts.map((ms) => ms.toFixed(0)).join(', ')} ms; navigation shown ${boots.map((ms) => ms.toFixed(0)).join(', ')} ms`)
    record({ name: `mail.open.cached.${label}.app-start`, value: median(starts), unit: 'ms', baseline: median(boots), target: null, note: `${note}; baseline: navigation start to the mailbox navigation shown, same reloads` })
  }

  if (wanted(`mail.follow.cached.${label}`)) {
    // what the open folder's list costs to keep in step with the user's own changes: a message opened
    // (marked read) and its flag toggled four times, Chromium's CPU (all its processes) until 2 s after
    await waitForIndexed(page, count, 20 * 60_000)
    await open(page, folder)
    await page.waitForSelector(firstRowSelector, { timeout: 60_000 })
    // the list's whole read on opening, and any other work, done first
    await new Promise((r) => setTimeout(r, 8000))
    const before = await chromiumCpuMs(browser)
    await page.locator(firstRowSelector).click()
    await new Promise((r) => setTimeout(r, 2500))
    for (let toggle = 0; toggle < 4; toggle++) {
      await page.keyboard.press('s')
      await new Promise((r) => setTimeout(r, 300))
    }
    await new Promise((r) => setTimeout(r, 2000))
    const cpu = (await chromiumCpuMs(browser)) - before
    // the first message read, flagged after an even number of toggles: flag it once more to see it
    if (process.env.QUIRE_BENCH_SCREENSHOTS) {
      await page.keyboard.press('s')
      await new Promise((r) => setTimeout(r, 1000))
      await page.screenshot({ path: `${process.env.QUIRE_BENCH_SCREENSHOTS}/followed-${label}.png` })
    }
    record({ name: `mail.follow.cached.${label}`, value: cpu, unit: 'ms', baseline: null, target: null, note: `${note}; Chromium's CPU time for opening the first message (marked read) and four flag toggles, with 4.7 s of settling` })
  }

  if (wanted(`mail.memory.${label}`)) {
    // idle after sync: the folder open, nothing running, 10 s for the page to settle
    await open(page, folder)
    await page.waitForSelector(firstRowSelector, { timeout: 60_000 })
    if (process.env.QUIRE_BENCH_SCREENSHOTS) await screenshotsOfList(page, process.env.QUIRE_BENCH_SCREENSHOTS, label)
    await new Promise((r) => setTimeout(r, 10_000))
    const main = rssMb(web.process.pid!)
    const pids = await rendererPids(browser)
    const [page0, ...others] = pids.map(rssMb)
    const renderer = page0 ?? 0
    const counters = await pageCounters(page)
    const heap = counters.jsHeapUsedMb!
    const counted = `VmRSS from /proc; the page's renderer is the busiest by CPU time (SystemInfo.getProcessInfo)`
    // what the resident pages are, and what a forced collection would give back (diagnosis: not the figure)
    const mainParts = residentParts(web.process.pid!)
    const rendererParts = pids[0] === undefined ? '' : residentParts(pids[0])
    const mainV8 = await mainHeap(web.process.pid!)
    // a minute idle: what V8's own idle collections give back (neither process allocates by then)
    await new Promise((r) => setTimeout(r, 50_000))
    const minute = { main: rssMb(web.process.pid!), renderer: pids[0] === undefined ? 0 : rssMb(pids[0]), counters: await pageCounters(page) }
    if (process.env.QUIRE_BENCH_HEAP_SNAPSHOT) await writePageHeapSnapshot(page, process.env.QUIRE_BENCH_HEAP_SNAPSHOT)
    if (process.env.QUIRE_BENCH_MEMORY_DUMP && pids[0] !== undefined) console.log(`renderer by allocator (MB): ${await allocatorDump(browser, pids[0])}`)
    await collectPageGarbage(page)
    await new Promise((r) => setTimeout(r, 1000))
    const afterGc = { renderer: pids[0] === undefined ? 0 : rssMb(pids[0]), counters: await pageCounters(page) }
    const empty = await emptyPageRendererMb(browser)
    console.log(
      [
        `memory, ${label}: main ${main.toFixed(0)} MB (${mainParts}); ${mainV8}`,
        `  renderer ${renderer.toFixed(0)} MB (${rendererParts}); page ${JSON.stringify(counters, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v))}`,
        `  after a minute idle: main ${minute.main.toFixed(0)} MB, renderer ${minute.renderer.toFixed(0)} MB, JS heap used ${minute.counters.jsHeapUsedMb!.toFixed(1)} of ${minute.counters.jsHeapTotalMb!.toFixed(1)} MB`,
        `  renderer after a forced GC ${afterGc.renderer.toFixed(0)} MB, JS heap used ${afterGc.counters.jsHeapUsedMb!.toFixed(1)} MB; an empty page's renderer ${empty.toFixed(0)} MB`,
      ].join('\n'),
    )
    record({ name: `mail.memory.${label}.main-rss`, value: main, unit: 'MB', baseline: null, target: null, note: `${note}; web-mode server process; ${mainParts}` })
    record({ name: `mail.memory.${label}.renderer-rss`, value: renderer, unit: 'MB', baseline: empty, target: null, note: `${note}; ${counted}; baseline: an empty page's renderer in the same browser; page JS heap ${heap.toFixed(1)} MB, ${counters.nodes} DOM nodes; ${rendererParts}; other renderers ${others.map((mb) => mb.toFixed(0)).join(' + ') || 'none'} MB not counted` })
    record({ name: `mail.memory.${label}.total-rss`, value: main + renderer, unit: 'MB', baseline: null, target: label === '100k' ? 300 : null, note: `${note}; ${main.toFixed(0)} + ${renderer.toFixed(0)}` })
    record({ name: `mail.memory.${label}.total-rss.idle-60s`, value: minute.main + minute.renderer, unit: 'MB', baseline: null, target: null, note: `${note}; the same a minute after sync: ${minute.main.toFixed(0)} + ${minute.renderer.toFixed(0)}` })
  }
  if (wanted(`mail.search.two-term.${label}`)) {
    const { loadMs, times } = await timeSearchesInPage(page, SEARCHES, 3)
    record({ name: `mail.search.load.${label}`, value: loadMs, unit: 'ms', baseline: null, target: null, note })
    if (times.every((t) => t.found === 0)) throw new Error('no search found anything: the index is empty')
    record({ name: `mail.search.two-term.${label}.p95`, value: percentile(times.map((t) => t.ms), 95), unit: 'ms', baseline: null, target: label === '100k' ? 50 : null, note })
    record({ name: `mail.search.two-term.${label}.median`, value: median(times.map((t) => t.ms)), unit: 'ms', baseline: null, target: null, note })
    const slowest = [...times].sort((a, b) => b.ms - a.ms).slice(0, 3)
    console.log(`two-term searches, ${label}: slowest ${slowest.map((t) => `"${t.query}" ${t.ms.toFixed(1)} ms (${t.found} found)`).join(', ')}`)
  }
}

/**
 * The open folder's list at its top and scrolled to its middle, as PNGs in `dir` (to look at: a list of
 * 100k rows should read like one of ten); the list is scrolled back to the top after.
 */
async function screenshotsOfList(page: Page, dir: string, label: string): Promise<void> {
  // the whole list read: the header shows its count
  await page.locator('.list-pane .total').waitFor({ timeout: 60_000 })
  await page.screenshot({ path: `${dir}/list-${label}-top.png` })
  await page.locator('.list-pane .scroller').evaluate((scroller) => scroller.scrollTo(0, scroller.scrollHeight / 2))
  await new Promise((r) => setTimeout(r, 1000))
  await page.screenshot({ path: `${dir}/list-${label}-middle.png` })
  await page.locator('.list-pane .scroller').evaluate((scroller) => scroller.scrollTo(0, 0))
}
