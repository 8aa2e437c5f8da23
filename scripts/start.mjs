#!/usr/bin/env node
// `npm start [-- --data-dir DIR] [--port N] [--web]`: runs Quire. With the
// Electron binary installed it builds if the sources are newer than out/ and
// runs Electron; otherwise it runs web mode (scripts/serve.mjs) and opens it in
// a Chromium app window, or prints the address to open. Plain Node on purpose:
// loading the electron package from Node tries to download the binary, so it
// only reads node_modules/electron/path.txt.
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

const root = resolve(import.meta.dirname, '..')
/** After a stop signal, children get this long to exit on the signal the terminal sent them too. */
const STOP_GRACE_MS = 3000
/** A Chromium that exits this soon handed its window to an instance already running on the profile. */
const CHROMIUM_HANDOFF_MS = 5000

const USAGE = `Usage: npm start -- [--data-dir DIR] [--port N] [--web]
  --data-dir DIR  where Quire keeps its data (default: ${defaultDataDir()})
  --port N        web mode: the loopback port to serve on (default: any free port)
  --web           use web mode even where Electron is installed`

const children = new Set()
let stopping = false

const say = (line) => process.stdout.write(`quire: ${line}\n`)

/** One line on stderr, the children stopped, and a non-zero exit: never a stack trace. */
function fail(message, code = 1) {
  try {
    process.stderr.write(`quire: ${message}\n`)
  } catch {
    // stderr is gone too; the exit code still says it
  }
  for (const child of children) child.kill('SIGTERM')
  process.exit(code)
}

process.on('uncaughtException', (error) => fail(error instanceof Error ? error.message : String(error)))
process.on('unhandledRejection', (error) => fail(error instanceof Error ? error.message : String(error)))

// ---------------------------------------------------------------------------
// Children and stopping
// ---------------------------------------------------------------------------

/**
 * Spawns a tracked child. A spawn failure (missing, not executable) goes to
 * `onError`, or else becomes one line and exit 1.
 */
function start(command, args, options, what, onError) {
  const child = spawn(command, args, { cwd: root, ...options })
  children.add(child)
  const forget = () => {
    children.delete(child)
    if (stopping && children.size === 0) process.exit(0)
  }
  child.once('exit', forget)
  child.once('error', (error) => {
    forget()
    if (onError) onError(error)
    else fail(`could not start ${what}: ${error.message}`)
  })
  return child
}

/** Stops every child and exits 0; `signal` says the stop came from outside (Ctrl-C, kill). */
function stop(signal) {
  if (stopping) {
    // a second Ctrl-C: do not wait any longer
    for (const child of children) child.kill('SIGKILL')
    process.exit(0)
  }
  stopping = true
  say('stopping…')
  if (children.size === 0) process.exit(0)
  // From a terminal the children got the same signal and are closing already; a
  // signal sent to this process alone is passed on once they had the chance.
  setTimeout(
    () => {
      for (const child of children) child.kill('SIGTERM')
    },
    signal ? STOP_GRACE_MS : 0,
  ).unref()
  setTimeout(() => {
    for (const child of children) child.kill('SIGKILL')
    process.exit(0)
  }, STOP_GRACE_MS * 4).unref()
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal))

/** Resolves when the child exits: `{ code, signal, ok, said }`, `said` for a message ("exited with code 3"). */
function exited(child) {
  return new Promise((resolve) =>
    child.once('exit', (code, signal) =>
      resolve({ code: code ?? 1, ok: code === 0, said: signal ? `was ended by ${signal}` : `exited with code ${code}` }),
    ),
  )
}

// ---------------------------------------------------------------------------
// Where things are
// ---------------------------------------------------------------------------

function defaultDataDir() {
  const home = homedir()
  if (process.platform === 'win32') return join(process.env.APPDATA || join(home, 'AppData', 'Roaming'), 'Quire')
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Quire')
  const xdg = process.env.XDG_DATA_HOME
  // the XDG spec says a relative value is invalid and must be ignored
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'quire')
}

function isExecutableFile(path) {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

const isRootOnLinux = () => process.platform === 'linux' && process.getuid?.() === 0

/** The Electron binary, found the way node_modules/electron/index.js finds it but without downloading: { path } or { reason }. */
function findElectron() {
  const moduleDir = join(root, 'node_modules', 'electron')
  if (!existsSync(join(moduleDir, 'package.json'))) return { reason: 'the electron package is not installed' }
  const pathFile = join(moduleDir, 'path.txt')
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  let path
  if (override) path = join(override, executable || (process.platform === 'win32' ? 'electron.exe' : 'electron'))
  else if (executable) path = join(moduleDir, 'dist', executable)
  else return { reason: 'the Electron binary is not installed (node_modules/electron/path.txt is missing; it cannot be downloaded here)' }
  if (!isExecutableFile(path)) return { reason: `the Electron binary ${path} is missing or not executable` }
  // Chromium's sandbox refuses to run as root, and Quire does not run without it
  if (isRootOnLinux()) return { reason: 'Electron will not run as root with its sandbox (run npm start as a normal user)' }
  return { path }
}

/** A Chromium-family browser that can open an app window, or undefined. */
function findChromium() {
  const candidates = []
  if (process.platform === 'darwin') {
    candidates.push('/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome')
  } else if (process.platform === 'win32') {
    for (const base of [process.env.ProgramFiles, process.env['ProgramFiles(x86)'], process.env.LOCALAPPDATA]) {
      if (base) candidates.push(join(base, 'Google', 'Chrome', 'Application', 'chrome.exe'), join(base, 'Chromium', 'Application', 'chrome.exe'))
    }
  } else {
    candidates.push('/usr/bin/chromium')
  }
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
  const extensions = process.platform === 'win32' ? ['.exe'] : ['']
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) for (const extension of extensions) candidates.push(join(dir, name + extension))
  }
  return candidates.find(isExecutableFile)
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

/** The newest modification time of any file below `path` (or of `path` itself). */
function newest(path) {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let latest = 0
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)))
  return latest
}

function electronBuildIsStale() {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p))
  if (!outputs.every((p) => existsSync(p))) return true
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs))
  const sources = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json'].map((p) => newest(join(root, p)))
  return Math.max(...sources) > built
}

// ---------------------------------------------------------------------------
// The two modes
// ---------------------------------------------------------------------------

async function runElectron(electronPath, options) {
  say(`starting in Electron mode (Electron found at ${electronPath}).`)
  if (electronBuildIsStale()) {
    say('building the app (out/ is missing or older than the sources)…')
    const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
    if (!existsSync(bin)) fail('electron-vite is not installed; run npm install.')
    const build = start(process.execPath, [bin, 'build'], { stdio: ['ignore', 'ignore', 'pipe'] }, 'the build')
    let errors = ''
    build.stderr.setEncoding('utf8').on('data', (chunk) => (errors += chunk))
    const result = await exited(build)
    if (stopping) process.exit(0)
    if (!result.ok) {
      // the compiler's message is what helps; the build tool's own stack frames are not
      process.stderr.write(errors.split('\n').filter((line) => !/^\s+at /.test(line)).join('\n').trim() + '\n')
      fail('the build failed (see the messages above).')
    }
  }
  const args = ['.', ...(options.dataDir ? ['--data-dir', options.dataDir] : [])]
  const result = await exited(start(electronPath, args, { stdio: 'inherit' }, 'Electron'))
  if (stopping) process.exit(0)
  if (!result.ok) fail(`Electron ${result.said}.`, result.code)
  process.exit(0)
}

async function runWeb(reason, options) {
  say(`starting in web mode: ${reason}.`)
  const serveScript = join(root, 'scripts', 'serve.mjs')
  if (!existsSync(serveScript)) fail('scripts/serve.mjs is missing, so web mode cannot start.')
  const dataDir = options.dataDir ?? defaultDataDir()
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  } catch (error) {
    fail(`cannot create the data directory ${dataDir}: ${error.message}`)
  }
  say(`data directory: ${dataDir}`)

  const args = [serveScript, '--data-dir', dataDir, ...(options.port ? ['--port', options.port] : [])]
  const server = start(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }, 'the web server')
  const serverExit = exited(server)
  const url = await new Promise((resolve) => {
    const lines = createInterface({ input: server.stdout })
    lines.on('line', (line) => {
      const match = /^QUIRE_URL=(\S+)$/.exec(line)
      if (match) resolve(match[1])
      else process.stdout.write(`${line}\n`)
    })
    void serverExit.then(() => resolve(undefined))
  })
  if (!url) {
    if (stopping) process.exit(0)
    fail(`the web server ${(await serverExit).said} before it was ready.`)
  }

  void serverExit.then((result) => {
    if (stopping) return
    fail(`the web server ${result.said} unexpectedly.`)
  })

  const browser = findChromium()
  const noWindow = isRootOnLinux()
    ? 'Chromium will not run as root with its sandbox'
    : !browser
      ? 'no Chromium or Google Chrome was found'
      : !hasDisplay()
        ? 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)'
        : undefined
  if (noWindow) {
    printAddress(url, noWindow)
    return
  }

  say(`opening Quire in a Chromium app window (${browser}).`)
  const openedAt = Date.now()
  let failedToStart = false
  const window = start(
    browser,
    [`--app=${url}`, `--user-data-dir=${join(dataDir, 'chromium-profile')}`, '--no-first-run', '--no-default-browser-check'],
    // Chromium logs freely on stderr; none of it is for the user of npm start
    { stdio: 'ignore' },
    'Chromium',
    (error) => {
      failedToStart = true
      printAddress(url, `Chromium could not be started (${error.message})`)
    },
  )
  const result = await Promise.race([exited(window), new Promise((resolve) => window.once('error', () => resolve(undefined)))])
  if (stopping || failedToStart || !result) return
  if (!result.ok) {
    printAddress(url, `Chromium ${result.said}`)
    return
  }
  if (Date.now() - openedAt < CHROMIUM_HANDOFF_MS) {
    say('the window opened in a Chromium already running with this profile; Quire keeps serving until you press Ctrl-C.')
    return
  }
  say('the Quire window was closed.')
  stop()
}

function printAddress(url, why) {
  say(`no app window: ${why}.`)
  process.stdout.write(`Open this address in your browser: ${url}\n`)
  say('press Ctrl-C to stop.')
}

// ---------------------------------------------------------------------------

function parseOptions() {
  let values
  try {
    ;({ values } = parseArgs({
      options: { 'data-dir': { type: 'string' }, port: { type: 'string' }, web: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }))
  } catch (error) {
    fail(`${error.message.split('\n')[0].replace(/\.$/, '')} (see npm start -- --help).`)
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) fail(`--port must be a number from 0 to 65535, not "${values.port}".`)
  if (values.port !== undefined && Number(values.port) > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}".`)
  if (values['data-dir'] === '') fail('--data-dir needs a directory.')
  return { dataDir: values['data-dir'] && resolve(values['data-dir']), port: values.port, web: values.web ?? false }
}

async function main() {
  const options = parseOptions()
  const electron = options.web ? { reason: '--web was given' } : findElectron()
  if (electron.path) await runElectron(electron.path, options)
  else await runWeb(electron.reason, options)
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)))
