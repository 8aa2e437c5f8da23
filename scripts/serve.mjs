#!/usr/bin/env node
// `npm run serve -- [--port N] [--data-dir DIR]`: builds web mode if the sources
// are newer than the build, then runs it. Everything after the script name is
// passed to the server, which prints one line QUIRE_URL=… and serves until killed.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const built = join(root, 'out/server/serve.js')

function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return latest
}

const sources = Math.max(newest(join(root, 'src-main')), newest(join(root, 'src-renderer')))
const stale = !existsSync(built) || !existsSync(join(root, 'out/web/index.html')) || statSync(built).mtimeMs < sources
if (stale) {
  process.stderr.write('quire: building web mode…\n')
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  if (build.status !== 0) {
    process.stderr.write('quire: the build failed (see above).\n')
    process.exit(1)
  }
}

const server = spawn(process.execPath, [built, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
