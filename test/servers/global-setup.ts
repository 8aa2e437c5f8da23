import type { TestProject } from 'vitest/node'
import { readServersEnv, recordedPids, runningPids, stopServers, type ServersEnv } from './harness'
import { startThrowawayStack } from './throwaway-stack'

/**
 * Starts one stack of real servers for the whole integration run and gives it to the tests as
 * `inject('servers')`. With QUIRE_TEST_SERVERS_DIR=DIR the tests use the stack already running in DIR
 * (`npm run servers -- start DIR`) and leave it running: the fast loop while writing tests.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const reuseDir = process.env.QUIRE_TEST_SERVERS_DIR
  if (reuseDir) {
    project.provide('servers', runningStack(reuseDir))
    return undefined
  }
  const servers = await startThrowawayStack()
  project.provide('servers', servers)
  return () => stopServers(servers.dir, { clean: true })
}

function runningStack(dir: string): ServersEnv {
  const running = runningPids(dir)
  const stopped = [...recordedPids(dir).keys()].filter((name) => !running.has(name))
  if (running.size === 0 || stopped.length > 0) {
    const what = running.size === 0 ? 'no servers running' : `${stopped.join(', ')} not running`
    throw new Error(`QUIRE_TEST_SERVERS_DIR=${dir}: ${what}; (re)start them with: npm run servers -- start ${dir}`)
  }
  return readServersEnv(dir)
}
