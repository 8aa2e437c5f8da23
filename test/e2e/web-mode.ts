import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const root = resolve(import.meta.dirname, '../..')

export interface WebMode {
  url: string
  dataDir: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Starts the built web mode the way `npm run serve` does and waits for its QUIRE_URL line. */
export async function startWebMode(options: { dataDir?: string; env?: Record<string, string>; port?: number } = {}): Promise<WebMode> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'quire-e2e-'))
  // QUIRE_E2E_SERVER: another build's serve.js (its renderer beside it in ../web), so a build in progress elsewhere is not disturbed
  const child = spawn(process.execPath, [process.env.QUIRE_E2E_SERVER ?? join(root, 'out/server/serve.js'), '--port', String(options.port ?? 0), '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      if (line.startsWith('QUIRE_URL=')) resolveUrl(line.slice('QUIRE_URL='.length))
    })
    child.once('exit', (code) => reject(new Error(`web mode exited with ${code} before printing QUIRE_URL`)))
  })
  return {
    url,
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
