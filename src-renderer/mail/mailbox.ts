import type { AccountId } from '../../src-main/common/domain/account'

/** The views across every account, in the order the sidebar lists them. */
export const unifiedViews = ['inbox', 'unread', 'flagged', 'drafts', 'sent'] as const
export type UnifiedView = (typeof unifiedViews)[number]

/** What the message list shows: a view across accounts, one folder, or search results. */
export type Mailbox =
  | { kind: 'unified'; view: UnifiedView }
  | { kind: 'folder'; accountId: AccountId; path: string }
  | { kind: 'search'; query: string }

export const unifiedLabels: Record<UnifiedView, string> = {
  inbox: 'All Inboxes',
  unread: 'Unread',
  flagged: 'Flagged',
  drafts: 'All Drafts',
  sent: 'All Sent',
}

export function sameMailbox(a: Mailbox, b: Mailbox): boolean {
  if (a.kind === 'unified' && b.kind === 'unified') return a.view === b.view
  if (a.kind === 'folder' && b.kind === 'folder') return a.accountId === b.accountId && a.path === b.path
  if (a.kind === 'search' && b.kind === 'search') return a.query === b.query
  return false
}

/** Whether rows of several accounts can appear together, so each row shows its account's colour. */
export function spansAccounts(mailbox: Mailbox): boolean {
  return mailbox.kind !== 'folder'
}
