// Bundled by test/bench/in-page.ts and evaluated in the app's page (same origin, so the same
// IndexedDB databases): the app's own search code, run against what the app cached and indexed.
import { parseQuery } from '../../../src-renderer/search/query'
import { runSearch } from '../../../src-renderer/search/run-search'
import { SearchIndex } from '../../../src-renderer/search/search-index'
import { QuireDatabase } from '../../../src-renderer/store/database'

/** Each query `runs` times, after loading the index as the app does at start; returns the load's ms and each search's ms and result count. */
async function timeSearches(queries: string[], runs: number): Promise<{ loadMs: number; times: { query: string; ms: number; found: number }[] }> {
  const db = new QuireDatabase()
  const index = new SearchIndex()
  index.attach(db)
  await db.open()
  await index.db.open()
  const times: { query: string; ms: number; found: number }[] = []
  // the app loads the index into memory once, at start (mail-startup.ts); that load is timed apart
  const loading = performance.now()
  await index.ready()
  const loadMs = performance.now() - loading
  try {
    for (let run = 0; run < runs; run++) {
      for (const text of queries) {
        const started = performance.now()
        const found = await runSearch(index, db, parseQuery(text))
        times.push({ query: text, ms: performance.now() - started, found: found.length })
      }
    }
  } finally {
    db.close()
    index.db.close()
  }
  return { loadMs, times }
}

;(globalThis as unknown as { quireBench: unknown }).quireBench = { timeSearches }
