import type { Bit } from './database'

// RFC 3501 §2.3.2 system flags; RFC 5788 registered keywords for the junk filter's verdict
export const SEEN = '\\Seen'
export const FLAGGED = '\\Flagged'
export const JUNK = '$Junk'
export const NOT_JUNK = '$NotJunk'

/** RFC 3501 §2.3.2: flag names are case-insensitive, so "\SEEN" from a server is \Seen. */
export function hasFlag(flags: readonly string[], flag: string): boolean {
  const wanted = flag.toLowerCase()
  return flags.some((f) => f.toLowerCase() === wanted)
}

export function withFlags(flags: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const kept = flags.filter((f) => !hasFlag(remove, f))
  return [...kept, ...add.filter((f) => !hasFlag(kept, f))]
}

/** The indexed fields a row derives from its flags. */
export function flagFields(flags: readonly string[]): { unread: Bit; flagged: Bit } {
  return { unread: hasFlag(flags, SEEN) ? 0 : 1, flagged: hasFlag(flags, FLAGGED) ? 1 : 0 }
}
