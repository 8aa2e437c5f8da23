import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { rolldown } from 'rolldown'

const bundled = new Map<string, Promise<string>>()

/** One of the drivers in in-page/, with the app code it imports, as one script (rolldown, which the build uses too). */
function driverScript(file = 'search-driver.ts'): Promise<string> {
  let script = bundled.get(file)
  if (!script) {
    script = (async () => {
      const bundle = await rolldown({ input: join(import.meta.dirname, 'in-page', file), platform: 'browser', logLevel: 'silent' })
      const { output } = await bundle.generate({ format: 'iife' })
      await bundle.close()
      return output[0].code
    })()
    bundled.set(file, script)
  }
  return script
}

/**
 * Runs two-term searches in the page with the app's own code (`runSearch` over the app's stores).
 * The script goes in through DevTools evaluation, which the page's CSP does not govern.
 */
export interface SearchTimes {
  /** loading the index into memory, which the app does once at start */
  loadMs: number
  times: { query: string; ms: number; found: number }[]
}

export async function timeSearchesInPage(page: Page, queries: string[], runs: number): Promise<SearchTimes> {
  await page.evaluate(await driverScript())
  return page.evaluate(
    ({ queries, runs }) => (globalThis as unknown as { quireBench: { timeSearches(q: string[], r: number): Promise<SearchTimes> } }).quireBench.timeSearches(queries, runs),
    { queries, runs },
  )
}

/** The store's write path alone (applyDelta into a fresh database in the page): each batch's ms for `count` headers. */
export async function timeStoreWritesInPage(page: Page, count: number, batch: number): Promise<{ batches: number[]; totalMs: number }> {
  await page.evaluate(await driverScript('apply-driver.ts'))
  return page.evaluate(
    ({ count, batch }) =>
      (globalThis as unknown as { quireApplyBench: { timeWrites(c: number, b: number): Promise<{ batches: number[]; totalMs: number }> } }).quireApplyBench.timeWrites(count, batch),
    { count, batch },
  )
}
