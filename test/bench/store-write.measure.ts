import { startWebMode } from '../e2e/web-mode'
import { launchChromium } from './browser'
import { load, median, record, wanted } from './figures'
import { timeStoreWritesInPage } from './in-page'

// The renderer's side of initial sync alone: applyDelta (threading, rows, indexes, cursor) of
// synthetic headers shaped like the bench folder's, in batches of 2000 as backfill writes them (sync-coordinator.ts),
// into a fresh IndexedDB database in Chromium. No IMAP: what the store costs, apart from main.
it('store write: 10k headers through applyDelta in Chromium', async ({ skip }) => {
  if (!wanted('mail.store.write')) skip()
  const runs = Number(process.env.QUIRE_BENCH_RUNS) || 3
  const browser = await launchChromium()
  // a page of web mode for its origin (IndexedDB is per origin); no account, so the app itself stays idle
  const web = await startWebMode()
  try {
    const page = await browser.newPage()
    await page.goto(web.url)
    const totals: number[] = []
    const notes: string[] = []
    for (let run = 0; run < runs; run++) {
      const { batches, totalMs } = await timeStoreWritesInPage(page, 10_000, 2000)
      totals.push(totalMs)
      notes.push(`${batches.map((ms) => ms.toFixed(0)).join('+')} ms at ${load()}`)
    }
    record({ name: 'mail.store.write.10k', value: median(totals), unit: 'ms', baseline: null, target: null, note: notes.join('; ') })
  } finally {
    await browser.close()
    await web.stop()
  }
})
