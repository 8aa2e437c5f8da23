import { Archive, FilePen, Flag, Folder, Inbox, Mail, Mails, OctagonAlert, Send, Trash2 } from '@lucide/svelte'
import type { SpecialUse } from '../../src-main/common/domain/mail'
import type { UnifiedView } from './mailbox'

export type IconComponent = typeof Folder

const byRole: Record<SpecialUse, IconComponent> = {
  inbox: Inbox,
  drafts: FilePen,
  sent: Send,
  archive: Archive,
  junk: OctagonAlert,
  trash: Trash2,
  all: Mails,
  flagged: Flag,
}

export function folderIcon(role: SpecialUse | null): IconComponent {
  return role ? byRole[role] : Folder
}

export const unifiedIcons: Record<UnifiedView, IconComponent> = {
  inbox: Inbox,
  unread: Mail,
  flagged: Flag,
  drafts: FilePen,
  sent: Send,
}
