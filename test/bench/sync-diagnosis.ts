import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { mainInspector } from './memory-detail'

// Diagnosis of the initial-sync figure, on request; none of it is a figure:
// - QUIRE_BENCH_CPU=1: the CPU time each process on the machine spent during each run and during
//   the raw baseline (main, Chromium's browser and renderer processes, Dovecot, this process);
// - QUIRE_BENCH_FRAMES=1: every WebSocket frame the page sends or receives during the last run;
// - QUIRE_BENCH_MAIN_PROFILE=FILE: main's CPU profile of the last run (for DevTools).

type CpuTimes = Map<number, { name: string; ms: number }>

/** Each process's CPU time so far (user + system, ms) by pid, named by its command and Chromium's --type. */
export function cpuTimes(): CpuTimes | null {
  if (!process.env.QUIRE_BENCH_CPU) return null
  const times: CpuTimes = new Map()
  const msPerTick = 10 // USER_HZ is 100 on Linux
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // Chromium rewrites its command line as one space-separated string
      const type = readFileSync(`/proc/${entry}/cmdline`, 'utf8').match(/--type=([\w-]+)/)?.[1]
      const name = `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}${type ? ` ${type}` : ''}`
      times.set(Number(entry), { name, ms: (Number(fields[11]) + Number(fields[12])) * msPerTick })
    } catch {
      // the process ended meanwhile
    }
  }
  return times
}

/** The processes that spent 30 ms or more between two `cpuTimes()`, most first. */
export function cpuSpent(before: CpuTimes | null, what: string): void {
  const after = cpuTimes()
  if (!before || !after) return
  const spent: [string, number][] = []
  for (const [pid, { name, ms }] of after) {
    const used = ms - (before.get(pid)?.ms ?? 0)
    if (used >= 30) spent.push([`${name} (${pid})`, used])
  }
  console.log(`CPU during ${what}: ${spent.sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms} ms`).join('; ')}`)
}

/** Logs the page's WebSocket frames once `timeline.started` is set: ms after it, direction, length, start. */
export function logFrames(page: Page, timeline: { started: number }): void {
  if (!process.env.QUIRE_BENCH_FRAMES) return
  const log = (direction: string, payload: string | Buffer) => {
    const ms = performance.now() - timeline.started
    if (ms >= 0) console.log(`${ms.toFixed(0).padStart(6)} ${direction} ${String(payload).length} ${String(payload).slice(0, 150)}`)
  }
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => log('>', payload))
    socket.on('framereceived', ({ payload }) => log('<', payload))
  })
}

/** Starts main's CPU profiler (main must run with --inspect); `stop()` writes the profile to QUIRE_BENCH_MAIN_PROFILE. */
export async function profileMain(pid: number): Promise<{ stop(): Promise<void> } | null> {
  const file = process.env.QUIRE_BENCH_MAIN_PROFILE
  const inspector = file ? await mainInspector(pid) : null
  if (!file || !inspector) return null
  await inspector.send('Profiler.enable')
  await inspector.send('Profiler.setSamplingInterval', { interval: 200 })
  await inspector.send('Profiler.start')
  return {
    async stop() {
      writeFileSync(file, JSON.stringify((await inspector.send('Profiler.stop')).result?.profile))
      inspector.close()
    },
  }
}
