import type { AccountId } from '../../src-main/common/domain/account'
import type { SpecialUse } from '../../src-main/common/domain/mail'
import type { FolderRow } from '../../src-renderer/store/database'
import { folderTree, type FolderNode } from '../../src-renderer/mail/folder-tree'

const folder = (path: string, options: { specialUse?: SpecialUse; selectable?: boolean } = {}): FolderRow => {
  const parts = path.split('/')
  return {
    accountId: 'acc-one' as AccountId,
    path,
    name: parts.at(-1)!,
    delimiter: '/',
    parentPath: parts.length > 1 ? parts.slice(0, -1).join('/') : null,
    specialUse: options.specialUse ?? null,
    subscribed: true,
    selectable: options.selectable ?? true,
    total: null,
    unseen: null,
    syncEnabled: true,
    syncSinceDays: null,
  }
}

const shape = (nodes: FolderNode[]): unknown[] => nodes.map((node) => (node.children.length > 0 ? [node.label, shape(node.children)] : node.label))

describe('the sidebar folder tree', () => {
  it('lists special-use folders first in a fixed order, lifted out of their parent, then the rest by name', () => {
    const tree = folderTree([
      folder('Projects'),
      folder('[Gmail]', { selectable: false }),
      folder('[Gmail]/Trash', { specialUse: 'trash' }),
      folder('[Gmail]/Sent Mail', { specialUse: 'sent' }),
      folder('Projects/Quire'),
      folder('INBOX'),
      folder('Archive', { specialUse: 'archive' }),
      folder('Empty parent', { selectable: false }),
      folder('Accounts'),
    ])
    expect(shape(tree)).toEqual(['Inbox', 'Sent Mail', 'Archive', 'Trash', 'Accounts', ['Projects', ['Quire']]])
  })
})
