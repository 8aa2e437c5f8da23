import { resolve } from 'node:path'
import type { Page } from '@playwright/test'

/** Outside Playwright's outputDir, which every run (anyone's) empties: the pictures stay for review. */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../../test-results/screenshots')

/** The page in the light and the dark theme: `<name>-light.png` and `<name>-dark.png`. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' })
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}-light.png`) })
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}-dark.png`) })
  await page.emulateMedia({ colorScheme: 'light' })
}
