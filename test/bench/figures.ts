import { appendFileSync, readFileSync } from 'node:fs'

/** One measured figure, as `npm run bench --json FILE` writes it. */
export interface Figure {
  /** dotted, e.g. mail.sync.initial.10k */
  name: string
  value: number
  unit: string
  /** the same work done by the baseline in the same run (e.g. raw imapflow), or null */
  baseline: number | null
  /** value / baseline, or null without a baseline */
  ratio: number | null
  /** the target: for a figure with a baseline it bounds the ratio, otherwise the value */
  target: number | null
  /** what the reader should know beside the number: the machine's load when it was taken, what was counted */
  note?: string
}

/** Whether this figure was asked for (`npm run bench -- --only NAME` matches a prefix or substring). */
export function wanted(name: string): boolean {
  const only = process.env.QUIRE_BENCH_ONLY
  return !only || only.split(',').some((o) => name.includes(o))
}

export function record(figure: Omit<Figure, 'ratio'>): Figure {
  const full: Figure = { ...figure, ratio: figure.baseline ? figure.value / figure.baseline : null, note: figure.note ?? load() }
  const out = process.env.QUIRE_BENCH_OUT
  if (out) appendFileSync(out, `${JSON.stringify(full)}\n`)
  return full
}

/** Median of repeated runs: one slow run on a busy 2-core machine should not decide a figure. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The p-th percentile (nearest rank) of some samples. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** The machine's load averages now (1, 5, 15 min), as `uptime` shows them: the machine is shared, so every figure says how busy it was. */
export function load(): string {
  return `load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`
}
