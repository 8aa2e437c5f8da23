import type { ImapFlow } from 'imapflow'
import { QuireError } from '../common/contract'
import { listFolders } from '../mail/folder-list'
import { searchUids } from '../mail/uid-search'

export type FilingRole = 'drafts' | 'sent'

/** Names other clients and servers give these folders when they do not announce SPECIAL-USE. */
const USUAL_NAMES: Record<FilingRole, readonly string[]> = {
  drafts: ['drafts', 'draft', 'entwürfe', 'brouillons', 'borradores'],
  sent: ['sent', 'sent items', 'sent messages', 'sent mail', 'gesendet', 'gesendete elemente', 'envoyés', 'éléments envoyés', 'enviados'],
}
const NEW_NAMES: Record<FilingRole, string> = { drafts: 'Drafts', sent: 'Sent' }

/**
 * The folder playing `role`: the one the server marks (RFC 6154 \Drafts, \Sent), else one with a
 * usual name, else a new one created in the personal namespace (RFC 2342) and subscribed.
 */
export async function filingFolder(client: ImapFlow, role: FilingRole): Promise<string> {
  const folders = (await listFolders(client, { counts: false })).filter((folder) => folder.selectable)
  const marked = folders.find((folder) => folder.specialUse === role)
  if (marked) return marked.path
  const named = folders.find((folder) => USUAL_NAMES[role].includes(folder.name.toLowerCase()))
  if (named) return named.path
  const created = await client.mailboxCreate([NEW_NAMES[role]])
  await client.mailboxSubscribe(created.path).catch(() => undefined)
  return created.path
}

/** UIDs in the selected folder of messages with this Message-ID (RFC 3501 §6.4.4 SEARCH HEADER). */
export async function uidsWithMessageId(client: ImapFlow, messageId: string): Promise<number[]> {
  return await searchUids(client, { header: { 'message-id': messageId } })
}

/**
 * APPEND (RFC 3501 §6.3.11); the new UID from APPENDUID (RFC 4315 §3), or null when the server
 * does not say (the caller then finds the message by Message-ID).
 */
export async function appendMessage(client: ImapFlow, path: string, raw: Buffer, flags: string[], date: Date): Promise<number | null> {
  const result = await client.append(path, raw, flags, date)
  if (!result) throw new QuireError('INTERNAL', { message: `The IMAP server refused to store the message in “${path}”.`, details: { path } })
  return result.uid ?? null
}

/** \Deleted and UID EXPUNGE (RFC 4315 §2.1) of exactly these UIDs in the selected folder. */
export async function deleteMessages(client: ImapFlow, path: string, uids: readonly number[]): Promise<void> {
  if (uids.length === 0) return
  if (!(await client.messageDelete(uids.join(','), { uid: true }))) {
    throw new QuireError('INTERNAL', { message: `The IMAP server refused to remove the old copy from “${path}”.`, details: { path } })
  }
}
