import { networkInterfaces } from 'node:os'
import type { BackoffPolicy } from './backoff'

/** Timing knobs and limits of the mail engine; every field has a production default. Tests shorten the waits. */
export interface MailServiceOptions {
  /** overrides every account's `pollIntervalSeconds` (tests; the setting's minimum is 30 s) */
  pollIntervalMs?: number
  /** between attempts to bring an account's listener back (cap ~5 min) */
  reconnect?: BackoffPolicy
  /** how often a folder that made the server drop the connection on SELECT is retried before it counts as broken */
  folderAttempts?: number
  /** the waits between those attempts */
  folderRetry?: BackoffPolicy
  /** a broken folder is tried again after this long (or when its account changes) */
  brokenFolderRetryMs?: number
  /** how often the clock and the network interfaces are checked for sleep/resume and network changes */
  wakeCheckMs?: number
  /** a tick that comes this much later than planned means the machine slept */
  wakeJumpMs?: number
  /** a pooled connection unused this long is logged out */
  poolIdleCloseMs?: number
  /** `mail.changed` events for one folder within this window are sent once */
  changeCoalesceMs?: number
  /** RFC 2177 §3: re-issue IDLE before the server's 30-minute inactivity timer */
  idleRestartMs?: number
  /** capabilities to act as if the server lacked (tests of the fallbacks): QRESYNC, CONDSTORE, MOVE, ESEARCH, UIDPLUS, NOTIFY */
  ignoreCapabilities?: readonly string[]
  /** inline cid: images in one `mail.body` answer, in decoded bytes */
  maxInlineImageBytes?: number
  /** the largest attachment `mail.attachment` returns, in decoded bytes */
  maxAttachmentBytes?: number
  /** the wall clock (tests simulate a sleep with it) */
  now?: () => number
  /** what identifies the current network (tests simulate a change with it) */
  networkFingerprint?: () => string
}

export type ResolvedMailServiceOptions = Required<Omit<MailServiceOptions, 'pollIntervalMs'>> & Pick<MailServiceOptions, 'pollIntervalMs'>

export function resolveMailServiceOptions(options: MailServiceOptions = {}): ResolvedMailServiceOptions {
  return {
    reconnect: { baseMs: 1_000, capMs: 5 * 60_000 },
    folderAttempts: 3,
    folderRetry: { baseMs: 1_000, capMs: 10_000 },
    brokenFolderRetryMs: 60 * 60_000,
    wakeCheckMs: 10_000,
    wakeJumpMs: 30_000,
    poolIdleCloseMs: 60_000,
    changeCoalesceMs: 50,
    idleRestartMs: 25 * 60_000,
    ignoreCapabilities: [],
    maxInlineImageBytes: 8 * 1024 * 1024,
    maxAttachmentBytes: 40 * 1024 * 1024,
    now: Date.now,
    networkFingerprint: defaultNetworkFingerprint,
    ...options,
  }
}

/** The machine's addresses, so a new Wi-Fi, a VPN or an unplugged cable shows up as a change. */
function defaultNetworkFingerprint(): string {
  const addresses: string[] = []
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) if (!entry.internal) addresses.push(`${name}/${entry.address}`)
  }
  return addresses.sort().join(',')
}
