import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { WebSocket } from 'ws'

/** Resident set size of a process in MB, from /proc (VmRSS: every page it has in memory, shared ones included). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
  if (!line) throw new Error(`no VmRSS for process ${pid}`)
  return Number(line[1]) / 1024
}

/** What a process's resident pages are (MB): anonymous (heaps), file-backed (code, mapped files), shared memory. */
export function residentParts(pid: number): string {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const mb = (field: string) => Number(text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0) / 1024
  return `anonymous ${mb('Anonymous').toFixed(0)}, file-backed and shared ${(mb('Rss') - mb('Anonymous')).toFixed(0)}`
}

/**
 * The browser's renderer processes as Chromium itself lists them (CDP SystemInfo.getProcessInfo),
 * busiest first: the page's, which did the sync, has used by far the most CPU; the others are
 * Chromium's spare renderer and the like.
 */
export async function rendererPids(browser: Browser): Promise<number[]> {
  const session = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo' as never)) as { processInfo: { type: string; id: number; cpuTime: number }[] }
    return processInfo
      .filter((p) => p.type === 'renderer')
      .sort((a, b) => b.cpuTime - a.cpuTime)
      .map((p) => p.id)
  } finally {
    await session.detach()
  }
}

/** The CPU time Chromium's processes (browser, renderers, GPU, utilities) have spent so far, in ms. */
export async function chromiumCpuMs(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo' as never)) as { processInfo: { cpuTime: number }[] }
    return processInfo.reduce((sum, p) => sum + p.cpuTime * 1000, 0)
  } finally {
    await session.detach()
  }
}

/** The page's own view of its memory (CDP): JS heap, DOM nodes and documents, listeners. */
export async function pageCounters(page: Page): Promise<Record<string, number>> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('Performance.enable')
    const { metrics } = await session.send('Performance.getMetrics')
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0
    return {
      jsHeapUsedMb: get('JSHeapUsedSize') / 2 ** 20,
      jsHeapTotalMb: get('JSHeapTotalSize') / 2 ** 20,
      nodes: get('Nodes'),
      documents: get('Documents'),
      listeners: get('JSEventListeners'),
    }
  } finally {
    await session.detach()
  }
}

/** Forces a full garbage collection in the page (diagnosis only: the figure is taken without it). */
export async function collectPageGarbage(page: Page): Promise<void> {
  const session = await page.context().newCDPSession(page)
  try {
    await session.send('HeapProfiler.collectGarbage')
  } finally {
    await session.detach()
  }
}

/**
 * The resident size of a renderer showing an empty page in the same browser: Chromium's own floor
 * for one page, the baseline beside the app's renderer.
 */
export async function emptyPageRendererMb(browser: Browser): Promise<number> {
  const before = new Set(await rendererPids(browser))
  const page = await browser.newPage()
  try {
    await page.goto('data:text/html,<title>empty</title><p>empty</p>')
    await new Promise((r) => setTimeout(r, 2000))
    const fresh = (await rendererPids(browser)).filter((pid) => !before.has(pid))
    // Chromium may hand the page its spare renderer: then the busiest new one, else the least busy known
    const pid = fresh[0] ?? (await rendererPids(browser)).at(-1)
    if (process.env.QUIRE_BENCH_MEMORY_DUMP && pid !== undefined) console.log(`empty page's renderer by allocator (MB): ${await allocatorDump(browser, pid)}`)
    return pid === undefined ? 0 : rssMb(pid)
  } finally {
    await page.close()
  }
}

/**
 * Main's V8 view of itself, through the inspector the web mode was started with
 * (`--inspect=127.0.0.1:0`, only when QUIRE_BENCH_INSPECT_MAIN is set): process.memoryUsage() as is,
 * then after a full collection, with the RSS after it. Diagnosis, not a figure.
 */
export async function mainHeap(pid: number): Promise<string> {
  const inspector = await mainInspector(pid)
  if (!inspector) return 'main: no inspector (set QUIRE_BENCH_INSPECT_MAIN)'
  const { send } = inspector
  const usage = async () => {
    const reply = await send('Runtime.evaluate', {
      expression: `JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)])))`,
      returnByValue: true,
    })
    return String(reply.result?.result?.value)
  }
  try {
    const before = await usage()
    await send('HeapProfiler.collectGarbage')
    await new Promise((r) => setTimeout(r, 1000))
    const after = await usage()
    return `main memoryUsage MB: ${before}; after a full GC: ${after}`
  } finally {
    inspector.close()
  }
}

/** A session on main's inspector (web mode started with `--inspect=127.0.0.1:0`), or null without one. */
export async function mainInspector(pid: number) {
  const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
  const targets: string[] = []
  for (const line of listening) {
    const port = line.match(/127\.0\.0\.1:(\d+)/)?.[1]
    if (!port) continue
    const list = (await fetch(`http://127.0.0.1:${port}/json/list`)
      .then((r) => r.json())
      .catch(() => null)) as { webSocketDebuggerUrl: string }[] | null
    if (list?.[0]) targets.push(list[0].webSocketDebuggerUrl)
  }
  if (!targets[0]) return null
  const ws = new WebSocket(targets[0])
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  let id = 0
  const send = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: unknown }; profile?: unknown } }>((resolve) => {
      const mine = ++id
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number }
        if (message.id !== mine) return
        ws.off('message', onMessage)
        resolve(message as never)
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id: mine, method, params }))
    })
  return { send, close: () => ws.close() }
}

/**
 * Writes the page's V8 heap snapshot to `file` (diagnosis only, when QUIRE_BENCH_HEAP_SNAPSHOT names
 * a file): what the live JS heap is made of, by constructor, with `node scripts/heap-summary.mjs`.
 */
export async function writePageHeapSnapshot(page: Page, file: string): Promise<void> {
  const session = await page.context().newCDPSession(page)
  const chunks: string[] = []
  session.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => void chunks.push(chunk))
  try {
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
    writeFileSync(file, chunks.join(''))
  } finally {
    await session.detach()
  }
}

/**
 * Chromium's own account of each process's memory by allocator (a memory-infra dump, as
 * chrome://tracing shows it): V8, Blink's garbage-collected heap, PartitionAlloc's partitions,
 * malloc, the compositor, Skia, fonts. Returns one line per allocator over `minMb` for `pid`.
 * Diagnosis only (QUIRE_BENCH_MEMORY_DUMP), not a figure.
 */
export async function allocatorDump(browser: Browser, pid: number, minMb = 0.5): Promise<string> {
  const session = await browser.newBrowserCDPSession()
  const events: { pid: number; ph: string; args?: { dumps?: { allocators?: Record<string, { attrs?: Record<string, { value: string }> }> } } }[] = []
  session.on('Tracing.dataCollected', ({ value }) => void events.push(...(value as unknown as typeof events)))
  try {
    const ended = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()))
    await session.send('Tracing.start', { traceConfig: { includedCategories: ['disabled-by-default-memory-infra'], memoryDumpConfig: { triggers: [] } } as never, transferMode: 'ReportEvents' })
    await session.send('Tracing.requestMemoryDump' as never, { levelOfDetail: 'detailed' } as never)
    await session.send('Tracing.end')
    await ended
  } finally {
    await session.detach()
  }
  const allocators = events.find((event) => event.pid === pid && event.ph === 'v' && event.args?.dumps?.allocators)?.args?.dumps?.allocators ?? {}
  const sizeMb = (name: string) => Number.parseInt(allocators[name]?.attrs?.size?.value ?? '0', 16) / 2 ** 20
  // top-level allocators and their first level, the largest first
  return Object.keys(allocators)
    .filter((name) => name.split('/').length <= 2 && sizeMb(name) >= minMb)
    .sort((a, b) => sizeMb(b) - sizeMb(a))
    .map((name) => `${name} ${sizeMb(name).toFixed(1)}`)
    .join('; ')
}

/**
 * The largest resident size each of `pids` reached while sampled (every `everyMs`, from /proc), until
 * the returned function is called: a peak that the idle figures do not show.
 */
export function samplePeaks(pids: readonly number[], everyMs = 250): () => Map<number, number> {
  const peaks = new Map<number, number>()
  const sample = () => {
    for (const pid of pids) {
      try {
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, rssMb(pid)))
      } catch {
        // the process is gone (Chromium's spare renderer, used or dropped)
      }
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  return () => (clearInterval(timer), sample(), peaks)
}
