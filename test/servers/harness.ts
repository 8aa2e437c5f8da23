import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readServersEnv, type ServersEnv } from './servers-env'

export { readServersEnv } from './servers-env'
export type { ServersEnv, TcpService, TestUser, TestUserName, TlsTcpService } from './servers-env'

const SCRIPT = fileURLToPath(new URL('servers.sh', import.meta.url))
/** servers.sh's exit status when a port of the stack is already taken */
const PORTS_BUSY = 3

/** servers.sh failed; `output` is everything it printed, which names the server and its log. */
export class ServersScriptError extends Error {
  readonly exitStatus: number | string
  readonly output: string

  constructor(command: string, exitStatus: number | string, output: string) {
    super(`${command} failed (${exitStatus}):\n${output}`)
    this.name = 'ServersScriptError'
    this.exitStatus = exitStatus
    this.output = output
  }

  /** Another PORT_BASE may work. */
  get portsBusy(): boolean {
    return this.exitStatus === PORTS_BUSY
  }

  /** A port was free when checked but taken by the time a server bound it (its log says so). */
  get portTakenAtBind(): boolean {
    return /address already in use|EADDRINUSE/i.test(this.output)
  }
}

/** Starts every server in a fresh DIR (see servers.sh); PORT_BASE defaults to 20000. */
export async function startServers(dir: string, opts: { portBase?: number } = {}): Promise<ServersEnv> {
  await runScript(['start', dir], opts.portBase === undefined ? {} : { PORT_BASE: String(opts.portBase) })
  return readServersEnv(dir)
}

/** Stops the servers of DIR and waits until all their processes are gone; `clean` also removes DIR. */
export async function stopServers(dir: string, opts: { clean?: boolean } = {}): Promise<void> {
  await runScript(opts.clean ? ['stop', dir, '--clean'] : ['stop', dir])
}

/** Stops Dovecot (dropping every IMAP connection) and starts it again with the same config and mail. */
export async function restartDovecot(dir: string): Promise<void> {
  await runScript(['restart-dovecot', dir])
}

/** The PIDs servers.sh recorded in DIR/pids, by server name, running or not. */
export function recordedPids(dir: string): Map<string, number> {
  const pidsDir = join(dir, 'pids')
  if (!existsSync(pidsDir)) return new Map()
  const names = readdirSync(pidsDir).filter((file) => file.endsWith('.pid'))
  return new Map(names.map((file) => [file.slice(0, -'.pid'.length), Number(readFileSync(join(pidsDir, file), 'utf8'))]))
}

/** The recorded PIDs whose server is still running, by server name. */
export function runningPids(dir: string): Map<string, number> {
  const recorded = recordedPids(dir)
  if (recorded.size === 0) return recorded
  const realDir = realpathSync(dir)
  return new Map([...recorded].filter(([, pid]) => isServerOf(pid, realDir)))
}

/** Same rule as servers.sh: alive, not a zombie, and started with a path below DIR (a recycled PID is not). */
function isServerOf(pid: number, dir: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(`${dir}/`)
  } catch {
    return false // gone between the two reads, or never there
  }
}

async function runScript(args: string[], env: Record<string, string> = {}): Promise<void> {
  // Output goes to a file, not a pipe: a server that inherited the pipe would hold it open and the
  // wait for its end would never finish.
  const logDir = await mkdtemp(join(tmpdir(), 'quire-servers-sh-'))
  const logPath = join(logDir, 'output.log')
  const log = await open(logPath, 'w')
  try {
    const status = await new Promise<number | string>((resolve, reject) => {
      const child = spawn('bash', [SCRIPT, ...args], { stdio: ['ignore', log.fd, log.fd], env: { ...process.env, ...env } })
      child.once('error', reject)
      child.once('exit', (code, signal) => resolve(code ?? `killed by ${signal}`))
    })
    if (status !== 0) throw new ServersScriptError(`servers.sh ${args.join(' ')}`, status, await readFile(logPath, 'utf8'))
  } finally {
    await log.close()
    await rm(logDir, { recursive: true, force: true })
  }
}
