import type { ImapFlow } from 'imapflow'
import { QuireError } from '../common/contract'
import type { MailTask } from '../common/domain/mail'
import { folderNotFoundError } from './mail-errors'
import { compactSequenceSet } from './uid-set'

/**
 * Replays one user change on the folder `task.path`, already open on `client`. Everything is by
 * UID, so a retry after a lost answer is harmless: STORE of a flag that is set, and MOVE, COPY or
 * EXPUNGE of UIDs that are already gone, succeed without doing anything (RFC 3501 §6.4.8: a UID
 * set may name UIDs that do not exist).
 */
export async function applyTask(client: ImapFlow, task: MailTask): Promise<void> {
  const uids = compactSequenceSet(task.uids)
  switch (task.kind) {
    case 'flags': {
      // .SILENT: the answer would repeat every message's flags, which the next sync reports anyway
      if (task.add.length > 0 && !(await client.messageFlagsAdd(uids, task.add, { uid: true, silent: true }))) refused(client, 'change the flags of', task.path, task.add)
      if (task.remove.length > 0 && !(await client.messageFlagsRemove(uids, task.remove, { uid: true, silent: true })))
        refused(client, 'change the flags of', task.path)
      return
    }
    case 'move':
      // UID MOVE (RFC 6851); without MOVE imapflow copies, sets \Deleted and expunges those UIDs (UID EXPUNGE, RFC 4315)
      if (!(await client.messageMove(uids, task.to, { uid: true }))) await refusedTransfer(client, 'move', task.path, task.to)
      return
    case 'copy':
      if (!(await client.messageCopy(uids, task.to, { uid: true }))) await refusedTransfer(client, 'copy', task.path, task.to)
      return
    case 'expunge':
      // STORE +FLAGS.SILENT (\Deleted) then UID EXPUNGE of exactly these UIDs (RFC 4315 §2.1), not every \Deleted message
      if (!(await client.messageDelete(uids, { uid: true }))) refused(client, 'delete messages in', task.path)
      return
  }
}

/** imapflow answers a failed STORE/COPY/MOVE/EXPUNGE with false: a lost connection or a refusal. */
function refused(client: ImapFlow, what: string, path: string, keywords: readonly string[] = []): never {
  if (!client.usable) throw new QuireError('OFFLINE', { message: 'The connection to the IMAP server was lost before the change was confirmed. Quire will try again.' })
  const permanent = client.mailbox ? client.mailbox.permanentFlags : undefined
  // RFC 3501 §7.1: a folder whose PERMANENTFLAGS lacks \* keeps only the flags it lists
  const rejected = permanent && !permanent.has('\\*') ? keywords.filter((k) => !k.startsWith('\\') && !permanent.has(k)) : []
  if (rejected.length > 0) {
    throw new QuireError('MISSING_CAPABILITY', { message: `The folder “${path}” does not keep the keyword ${rejected.join(', ')}.`, details: { path, keywords: rejected } })
  }
  throw new QuireError('INTERNAL', { message: `The IMAP server refused to ${what} “${path}”.`, details: { path } })
}

async function refusedTransfer(client: ImapFlow, what: 'move' | 'copy', path: string, to: string): Promise<never> {
  if (client.usable && !(await folderExists(client, to))) throw folderNotFoundError(to) // NO [TRYCREATE] (RFC 3501 §6.4.7)
  return refused(client, `${what} messages from`, path)
}

async function folderExists(client: ImapFlow, path: string): Promise<boolean> {
  try {
    await client.status(path, { messages: true })
    return true
  } catch (error) {
    // imapflow runs LIST after a NO to STATUS and says NotFound when the folder is not there
    if ((error as { code?: unknown }).code === 'NotFound') return false
    throw error
  }
}
