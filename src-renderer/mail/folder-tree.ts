import type { SpecialUse } from '../../src-main/common/domain/mail'
import type { FolderRow } from '../store/database'
import { roleOf } from '../store/folders'

/** The order the sidebar lists special-use folders in (RFC 6154), above the user's own folders. */
const SIDEBAR_ROLES: readonly SpecialUse[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash', 'all', 'flagged']

export interface FolderNode {
  folder: FolderRow
  role: SpecialUse | null
  /** what the sidebar calls it: "Inbox" for INBOX, the server's name otherwise */
  label: string
  children: FolderNode[]
}

export function folderLabel(folder: Pick<FolderRow, 'path' | 'name' | 'specialUse'>): string {
  return roleOf(folder) === 'inbox' ? 'Inbox' : folder.name
}

/**
 * One account's folders as the sidebar shows them: special-use folders first, in a fixed order and
 * lifted out of any parent (Gmail keeps them under "[Gmail]"), then the other folders as a tree by
 * name. A parent that holds no messages (\Noselect) appears only if something is below it.
 */
export function folderTree(folders: readonly FolderRow[]): FolderNode[] {
  const special: FolderNode[] = []
  const nodes = new Map<string, FolderNode>()
  for (const folder of folders) {
    const role = roleOf(folder)
    const node: FolderNode = { folder, role, label: folderLabel(folder), children: [] }
    if (role && SIDEBAR_ROLES.includes(role) && folder.selectable) special.push(node)
    else nodes.set(folder.path, node)
  }
  special.sort((a, b) => SIDEBAR_ROLES.indexOf(a.role!) - SIDEBAR_ROLES.indexOf(b.role!) || a.label.localeCompare(b.label))
  const roots: FolderNode[] = []
  for (const node of nodes.values()) {
    const parent = node.folder.parentPath === null ? undefined : nodes.get(node.folder.parentPath)
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const prune = (list: FolderNode[]): FolderNode[] =>
    list
      .map((node) => ({ ...node, children: prune(node.children) }))
      .filter((node) => node.folder.selectable || node.children.length > 0)
      .sort((a, b) => a.label.localeCompare(b.label))
  return [...special, ...prune(roots)]
}
