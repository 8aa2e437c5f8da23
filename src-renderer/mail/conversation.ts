import type { FolderRow, MessageRow } from '../store/database'
import { roleOf } from '../store/folders'

/**
 * The messages of a conversation as the reader shows them, oldest first: one copy per Message-ID
 * (a message in INBOX and in Sent, or copied to a folder, shows once). The open message is the copy
 * shown for its id; otherwise a copy outside Trash and Junk is preferred, and copies in Trash or
 * Junk appear only when nothing else is left of that message.
 */
export function conversationOf(open: MessageRow, thread: readonly MessageRow[], folders: readonly FolderRow[]): MessageRow[] {
  const roles = new Map(folders.map((folder) => [folder.path, roleOf(folder)]))
  const discarded = (row: MessageRow) => row.path !== open.path && (roles.get(row.path) === 'trash' || roles.get(row.path) === 'junk')
  const rank = (row: MessageRow) => (row.path === open.path && row.uid === open.uid ? 0 : discarded(row) ? 2 : 1)
  const chosen = new Map<string, MessageRow>()
  for (const row of [...thread, open]) {
    const id = row.messageId ?? `${row.path}/${row.uid}`
    const current = chosen.get(id)
    if (!current || rank(row) < rank(current)) chosen.set(id, row)
  }
  return [...chosen.values()].sort((a, b) => (a.date ?? a.internalDate) - (b.date ?? b.internalDate) || a.internalDate - b.internalDate)
}
