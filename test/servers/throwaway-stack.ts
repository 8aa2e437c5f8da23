import { mkdtemp, rm } from 'node:fs/promises'
import { ServersScriptError, startServers, type ServersEnv } from './harness'

// Stacks sit 1000 ports apart: no two services' offsets (24, 25, 143, ... 8008) differ by a multiple of 1000,
// so stacks on different bases never share a port.
const FIRST_PORT_BASE = 20000
const LAST_PORT_BASE = 40000
const PORT_BASE_STEP = 1000

/**
 * Starts a stack in a new dir on the first PORT_BASE whose ports are all free. The dir is under /tmp, not
 * os.tmpdir(): unix socket paths below it must stay short, and the servers' own users must reach it.
 */
export async function startThrowawayStack(): Promise<ServersEnv> {
  const dir = await mkdtemp('/tmp/quire-it-')
  for (const portBase of candidatePortBases()) {
    try {
      return await startServers(dir, { portBase })
    } catch (error) {
      if (!(error instanceof ServersScriptError && error.portsBusy)) throw error
    }
  }
  await rm(dir, { recursive: true, force: true })
  throw new Error(`no PORT_BASE from ${FIRST_PORT_BASE} to ${LAST_PORT_BASE} has all its ports free`)
}

/** Every base once, from a random one on: runs started at the same moment seldom race for the same ports. */
function candidatePortBases(): number[] {
  const bases: number[] = []
  for (let base = FIRST_PORT_BASE; base <= LAST_PORT_BASE; base += PORT_BASE_STEP) bases.push(base)
  const start = Math.floor(Math.random() * bases.length)
  return [...bases.slice(start), ...bases.slice(0, start)]
}
