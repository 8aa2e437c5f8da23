import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { rolldown } from 'rolldown'

let bundled: Promise<string> | undefined

/** The app's search code as one script (rolldown, which the build uses too). */
function driverScript(): Promise<string> {
  bundled ??= (async () => {
    const bundle = await rolldown({ input: join(import.meta.dirname, 'in-page/search-driver.ts'), platform: 'browser', logLevel: 'silent' })
    const { output } = await bundle.generate({ format: 'iife' })
    await bundle.close()
    return output[0].code
  })()
  return bundled
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
