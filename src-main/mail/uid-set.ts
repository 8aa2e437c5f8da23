/**
 * RFC 3501 §9 sequence-set: "1:5,7,10:12". Servers answer ESEARCH ALL (RFC 4731 §3.1) in this
 * compact form, and UID FETCH of a sparse list is much shorter in it.
 */

/** Every number of `set` in ascending order; `*` is not allowed (resolve it first). */
export function expandSequenceSet(set: string): number[] {
  const numbers: number[] = []
  for (const item of set.split(',')) {
    if (!item) continue
    const [first, last] = item.split(':')
    const a = Number(first)
    const b = last === undefined ? a : Number(last)
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) continue
    for (let n = Math.min(a, b); n <= Math.max(a, b); n++) numbers.push(n)
  }
  return numbers.sort((x, y) => x - y)
}

/** The compact form of `numbers` (any order, duplicates allowed). */
export function compactSequenceSet(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b)
  const ranges: string[] = []
  for (let i = 0; i < sorted.length; ) {
    let j = i
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++
    ranges.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`)
    i = j + 1
  }
  return ranges.join(',')
}
