import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

/** e2e runs the built app; `npm run test:e2e` builds it. Fail early and clearly if someone skipped that. */
export default function globalSetup() {
  const root = resolve(import.meta.dirname, '../..')
  for (const file of ['out/server/serve.js', 'out/web/index.html']) {
    if (!existsSync(resolve(root, file))) throw new Error(`${file} is missing: run \`npm run build:web\` (npm run test:e2e does it for you).`)
  }
}
