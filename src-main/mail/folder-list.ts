import type { ImapFlow, ListResponse } from 'imapflow'
import type { Folder, SpecialUse } from '../common/domain/mail'

const ROLES: Record<string, SpecialUse> = {
  '\\inbox': 'inbox',
  '\\drafts': 'drafts',
  '\\sent': 'sent',
  '\\trash': 'trash',
  '\\junk': 'junk',
  '\\archive': 'archive',
  '\\all': 'all',
  '\\flagged': 'flagged',
}

/**
 * The folder tree with RFC 6154 roles and, with `counts`, message counts. With LIST-STATUS
 * (RFC 5819) the counts come in the same command; otherwise imapflow asks STATUS per folder.
 */
export async function listFolders(client: ImapFlow, { counts }: { counts: boolean }): Promise<Folder[]> {
  const entries = await client.list(counts ? { statusQuery: { messages: true, unseen: true } } : {})
  return entries.map(toFolder)
}

/** RFC 3501 §7.2.2 \Noselect, RFC 5258 §3 \NonExistent: a node of the tree that holds no messages. */
export function isSelectable(entry: Pick<ListResponse, 'flags'>): boolean {
  const flags = new Set([...entry.flags].map((flag) => flag.toLowerCase()))
  return !flags.has('\\noselect') && !flags.has('\\nonexistent')
}

function toFolder(entry: ListResponse): Folder {
  return {
    path: entry.path,
    name: entry.name,
    delimiter: entry.delimiter || null,
    parentPath: entry.parentPath || null,
    specialUse: entry.path.toUpperCase() === 'INBOX' ? 'inbox' : (ROLES[entry.specialUse?.toLowerCase() ?? ''] ?? null),
    subscribed: entry.subscribed,
    selectable: isSelectable(entry),
    total: entry.status?.messages ?? null,
    unseen: entry.status?.unseen ?? null,
  }
}
