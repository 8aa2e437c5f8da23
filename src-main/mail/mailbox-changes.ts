import type { ExpungeEvent, FlagsEvent, ImapFlow } from 'imapflow'
import type { FlagChange } from '../common/domain/mail'
import { storedFlags } from './message-header'

/** Expunges and flag changes the server reports for one folder while something else runs. */
export interface MailboxChanges {
  /** UIDs from VANISHED, VANISHED (EARLIER) included (RFC 7162 §3.2.10) */
  vanished: Set<number>
  /** the latest flags per UID from untagged FETCH (RFC 7162 §3.2.4: with QRESYNC every FETCH carries the UID) */
  flags: Map<number, FlagChange>
  stop(): void
}

/**
 * Collects imapflow's `expunge` and `flags` events for `path`. During SELECT … (QRESYNC …) this
 * is how the server's answer arrives (RFC 7162 §3.2.5.2: VANISHED (EARLIER) and FETCH before the
 * tagged OK); on an open folder it catches what NOOP and UID FETCH … (CHANGEDSINCE … VANISHED) report.
 */
export function watchMailboxChanges(client: ImapFlow, path: string): MailboxChanges {
  const vanished = new Set<number>()
  const flags = new Map<number, FlagChange>()
  const onExpunge = (event: ExpungeEvent) => {
    if (event.path === path && event.uid) vanished.add(event.uid)
  }
  const onFlags = (event: FlagsEvent) => {
    if (event.path !== path || !event.uid) return
    const modseq = event.modseq === undefined ? null : event.modseq.toString()
    const earlier = flags.get(event.uid)
    if (earlier?.modseq && modseq && BigInt(earlier.modseq) > BigInt(modseq)) return
    flags.set(event.uid, { uid: event.uid, flags: storedFlags(event.flags), modseq })
  }
  client.on('expunge', onExpunge)
  client.on('flags', onFlags)
  return {
    vanished,
    flags,
    stop() {
      client.off('expunge', onExpunge)
      client.off('flags', onFlags)
    },
  }
}
