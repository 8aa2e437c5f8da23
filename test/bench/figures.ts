import { appendFileSync } from 'node:fs'

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
}

/** Whether this figure was asked for (`npm run bench -- --only NAME` matches a prefix or substring). */
export function wanted(name: string): boolean {
  const only = process.env.QUIRE_BENCH_ONLY
  return !only || only.split(',').some((o) => name.includes(o))
}

export function record(figure: Omit<Figure, 'ratio'>): Figure {
  const full: Figure = { ...figure, ratio: figure.baseline ? figure.value / figure.baseline : null }
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
