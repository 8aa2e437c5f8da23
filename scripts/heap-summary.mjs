#!/usr/bin/env node
// `node scripts/heap-summary.mjs FILE [N]`: what a V8 heap snapshot (.heapsnapshot, as Chromium's
// DevTools or the bench's QUIRE_BENCH_HEAP_SNAPSHOT write it) is made of: its nodes' own sizes summed
// by kind and constructor name, the largest N groups. Diagnosis only; self sizes, not retained ones.
import { readFileSync } from 'node:fs'

const [file, top = '30'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node scripts/heap-summary.mjs FILE [N]')
  process.exit(2)
}
const snapshot = JSON.parse(readFileSync(file, 'utf8'))
const meta = snapshot.snapshot.meta
const width = meta.node_fields.length
const typeAt = meta.node_fields.indexOf('type')
const nameAt = meta.node_fields.indexOf('name')
const sizeAt = meta.node_fields.indexOf('self_size')
const types = meta.node_types[typeAt]
const { nodes, strings } = snapshot

const groups = new Map()
let total = 0
for (let i = 0; i < nodes.length; i += width) {
  const type = types[nodes[i + typeAt]]
  // strings and numbers are grouped by kind only: their names are their values
  const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : strings[nodes[i + nameAt]]
  const key = `${type} ${name.slice(0, 80)}`
  const size = nodes[i + sizeAt]
  total += size
  const group = groups.get(key) ?? { count: 0, size: 0 }
  group.count++
  group.size += size
  groups.set(key, group)
}
const mb = (bytes) => (bytes / 2 ** 20).toFixed(2)
console.log(`${mb(total)} MB in ${nodes.length / width} nodes`)
for (const [key, { count, size }] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, Number(top))) {
  console.log(`${mb(size).padStart(8)} MB ${String(count).padStart(9)}  ${key}`)
}
