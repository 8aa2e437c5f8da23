import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { ServersScriptError, startServers, type ServersEnv } from './harness'

// Stacks sit 1000 ports apart: no two services' offsets (24, 25, 143, ... 8008) differ by a multiple of 1000,
// so stacks on different bases never share a port.
const FIRST_PORT_BASE = 20000
const LAST_PORT_BASE = 40000
const PORT_BASE_STEP = 1000
/** The highest offset a stack uses (Cyrus httpd, 8008). */
const HIGHEST_OFFSET = 8008

/**
 * Starts a stack in a new dir on the first PORT_BASE whose ports are all free. The dir is under /tmp, not
 * os.tmpdir(): unix socket paths below it must stay short, and the servers' own users must reach it.
 * A port can also be taken between the script's check and a server's bind (another stack starting, or the
 * kernel handing it out as the local port of an outgoing connection): that start is retried on another base.
 */
export async function startThrowawayStack(): Promise<ServersEnv> {
  for (const portBase of await candidatePortBases()) {
    const dir = await mkdtemp('/tmp/quire-it-')
    try {
      return await startServers(dir, { portBase })
    } catch (error) {
      if (!(error instanceof ServersScriptError && (error.portsBusy || error.portTakenAtBind))) throw error
      await rm(dir, { recursive: true, force: true })
    }
  }
  throw new Error(`no PORT_BASE from ${FIRST_PORT_BASE} to ${LAST_PORT_BASE} has all its ports free`)
}

/**
 * Every base once, those wholly below the kernel's range of local ports for outgoing connections first
 * (no outgoing connection can take their ports), each group from a random base on: runs started at the
 * same moment seldom race for the same ports.
 */
async function candidatePortBases(): Promise<number[]> {
  const ephemeralFrom = await firstEphemeralPort()
  const bases: number[] = []
  for (let base = FIRST_PORT_BASE; base <= LAST_PORT_BASE; base += PORT_BASE_STEP) bases.push(base)
  const below = bases.filter((base) => base + HIGHEST_OFFSET < ephemeralFrom)
  const rest = bases.filter((base) => !below.includes(base))
  return [...rotated(below), ...rotated(rest)]
}

function rotated<T>(items: T[]): T[] {
  const start = Math.floor(Math.random() * items.length)
  return [...items.slice(start), ...items.slice(0, start)]
}

/** Linux's net.ipv4.ip_local_port_range (32768 by default); elsewhere assume that default. */
async function firstEphemeralPort(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768')
  const first = Number(range.trim().split(/\s+/)[0])
  return Number.isFinite(first) && first > 0 ? first : 32768
}
