#!/usr/bin/env node
// `npm run bench -- [--json FILE] [--only NAME]`: runs the measurements in test/bench
// (vitest project "bench", against real servers it starts) and prints each figure
// beside its baseline from the same run. Durations are reported, never asserted.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string' } }, strict: true })
const root = join(import.meta.dirname, '..')
const out = join(mkdtempSync(join(tmpdir(), 'quire-bench-')), 'figures.jsonl')

// the in-browser measurements drive the built web mode
const build = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
if (build.status !== 0) process.exit(build.status ?? 1)

const run = spawnSync('npx', ['vitest', 'run', '--project', 'bench'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, QUIRE_BENCH_OUT: out, ...(values.only ? { QUIRE_BENCH_ONLY: values.only } : {}) },
})

const figures = existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []
const fmt = (n, unit) => (n === null || n === undefined ? '—' : `${n >= 100 ? Math.round(n) : n.toFixed(n >= 10 ? 1 : 2)}${unit ? ` ${unit}` : ''}`)
const rows = figures.map((f) => {
  const judged = f.ratio ?? f.value
  const verdict = f.target === null ? '' : judged <= f.target ? 'met' : 'MISSED'
  return [f.name, fmt(f.value, f.unit), fmt(f.baseline, f.baseline === null ? '' : f.unit), f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`, f.target === null ? '—' : f.ratio === null ? fmt(f.target, f.unit) : `≤ ${f.target}×`, verdict, f.note ?? '']
})
const header = ['figure', 'value', 'baseline', 'ratio', 'target', '', 'note']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const row of rows) console.log(line(row))
if (values.json) writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`)
process.exit(run.status ?? 1)
