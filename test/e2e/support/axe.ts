import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'

/** axe-core's browser build (a devDependency). */
export function axeScript(): string {
  return createRequire(import.meta.url).resolve('axe-core/axe.min.js')
}

interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[] }[]
}

/** The serious and critical axe violations on the page. Message bodies are the sender's, so their frame is left out. */
export async function seriousViolations(app: Page, path = axeScript()): Promise<string[]> {
  // evaluated through the DevTools protocol: the app's CSP (rightly) refuses an injected <script>
  await app.evaluate(readFileSync(path, 'utf8'))
  const violations = await app.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe
    const result = await axe.run({ exclude: [['iframe']] }, { iframes: false, resultTypes: ['violations'] })
    return result.violations
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`)
}
