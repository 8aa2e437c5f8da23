import { test as base, expect, type Page } from '@playwright/test'
import { startWebMode, type WebMode } from './web-mode'

interface Fixtures {
  webMode: WebMode
  /** the app opened in Chromium; the test fails on any console error or CSP violation */
  app: Page
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  webMode: async ({}, use) => {
    const web = await startWebMode()
    await use(web)
    await web.stop()
  },
  app: async ({ page, webMode }, use) => {
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    await page.goto(webMode.url)
    await use(page)
    expect(problems, 'the page logged errors').toEqual([])
  },
})

export { expect }
