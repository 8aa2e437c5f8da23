import type { ImapFlow, MailboxObject } from 'imapflow'
import { isCommandRefusal } from './mail-errors'
import { watchMailboxChanges, type MailboxChanges } from './mailbox-changes'

/** The connection went away while the folder was being opened: the folder may be what the server cannot handle. */
export class FolderDroppedError extends Error {
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    super(`The server closed the connection while opening “${path}”.`, options)
    this.name = 'FolderDroppedError'
  }
}

/** A folder made current on one connection, with what the server said about it at that moment. */
export interface OpenFolder {
  path: string
  mailbox: MailboxObject
  /** SELECT was sent; false when the folder was already open and NOOP brought it up to date */
  selected: boolean
  uidValidity: string
  /** UIDNEXT as SELECT reported it; null without a SELECT (imapflow's copy may lag behind the server) */
  uidNext: number | null
  /** read before anything else was fetched: every change up to it shows in what is fetched next */
  highestModseq: bigint | null
  exists: number
  /** the server accepted SELECT … (QRESYNC …) (RFC 7162 §3.2.5): `reported` holds every change since the given modseq */
  qresyncAccepted: boolean
  /** VANISHED and FETCH the server sent while the folder was opened (the QRESYNC answer, or what NOOP brought) */
  reported: Pick<MailboxChanges, 'vanished' | 'flags'>
}

export interface QresyncParameters {
  uidValidity: string
  modseq: string
}

/**
 * Makes `path` the selected folder of `client`. A folder that is already selected is not selected
 * again (on Dovecot a SELECT rescans the folder): NOOP is enough for the server to report what
 * changed since the last command (RFC 3501 §6.1.2). With `qresync`, a new SELECT carries
 * (QRESYNC (uidvalidity modseq)) and the changes it reports come back with the folder.
 *
 * `currentUidValidity` is what a STATUS on another connection last said about the folder: Dovecot
 * keeps showing a session the folder it selected even after another client deleted and re-created
 * it (NOOP and STATUS on that session both answer from the old folder), so only a new SELECT would
 * see the new UIDVALIDITY.
 */
export async function openFolder(
  client: ImapFlow,
  path: string,
  { qresync = null, currentUidValidity = null }: { qresync?: QresyncParameters | null; currentUidValidity?: string | null } = {},
): Promise<OpenFolder> {
  const changes = watchMailboxChanges(client, path)
  try {
    const open = client.mailbox
    if (open && open.path === path && (currentUidValidity === null || open.uidValidity.toString() === currentUidValidity)) {
      await client.noop()
      if (client.mailbox && client.mailbox.path === path) return describe(path, client.mailbox, false, false, changes)
    }
    const useQresync = qresync !== null && client.enabled.has('QRESYNC')
    let mailbox: MailboxObject
    try {
      mailbox = await client.mailboxOpen(path, useQresync ? { uidValidity: qresync.uidValidity, changedSince: qresync.modseq } : {})
    } catch (error) {
      if (!isCommandRefusal(error) && !client.usable) throw new FolderDroppedError(path, { cause: error })
      throw error
    }
    // imapflow sets `qresync` false when the server did not take the parameters (another UIDVALIDITY, NOMODSEQ)
    const accepted = useQresync && (mailbox as MailboxObject & { qresync?: boolean }).qresync === true
    return describe(path, mailbox, true, accepted, changes)
  } finally {
    changes.stop()
  }
}

function describe(path: string, mailbox: MailboxObject, selected: boolean, qresyncAccepted: boolean, reported: OpenFolder['reported']): OpenFolder {
  return {
    path,
    mailbox,
    selected,
    uidValidity: mailbox.uidValidity.toString(),
    uidNext: selected ? mailbox.uidNext : null,
    highestModseq: mailbox.noModseq ? null : (mailbox.highestModseq ?? null),
    exists: mailbox.exists,
    qresyncAccepted,
    reported: { vanished: reported.vanished, flags: reported.flags },
  }
}
