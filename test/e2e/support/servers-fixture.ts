import { test as base, expect, type Page } from '@playwright/test'
import { stopServers, type ServersEnv } from '../../servers/harness'
import { startThrowawayStack } from '../../servers/throwaway-stack'
import { startWebMode, type WebMode } from '../web-mode'

export { expect }

interface AppFixtures {
  /** web mode, trusting the stack's test CA as a system CA (NODE_EXTRA_CA_CERTS) */
  webMode: WebMode
  /** the app in Chromium; the test fails on any console error, page error or dialog */
  app: Page
  /** what went wrong on the page; a test may inspect it */
  problems: string[]
}

interface WorkerFixtures {
  /** one stack of real servers per worker (Dovecot, Radicale, Cyrus, OpenLDAP …), shared by its tests */
  stack: ServersEnv
}

/**
 * Playwright tests against real servers: a throwaway stack per worker (started once, stopped at
 * the end) and a fresh web mode per test. Feature specs extend this with their own helpers.
 */
export const test = base.extend<AppFixtures, WorkerFixtures>({
  stack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const stack = await startThrowawayStack()
      await use(stack)
      await stopServers(stack.dir, { clean: true })
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  webMode: async ({ stack }, use) => {
    const web = await startWebMode({ env: { NODE_EXTRA_CA_CERTS: stack.caCertPath } })
    await use(web)
    await web.stop()
  },
  // eslint-disable-next-line no-empty-pattern
  problems: async ({}, use) => {
    await use([])
  },
  app: async ({ page, webMode, problems }, use) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.type()} ${dialog.message()}`)
      void dialog.dismiss()
    })
    await page.goto(webMode.url)
    await use(page)
    expect(problems, 'the page logged errors or opened dialogs').toEqual([])
  },
})
