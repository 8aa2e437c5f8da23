import type { FolderRow, MessageKey, MessageRow } from '../store/database'
import { roleOf } from '../store/folders'
import { folderTree, type FolderNode } from './folder-tree'
import { Live } from './live.svelte'
import { mailState } from './mail-state.svelte'

export type Destination = FolderNode & { depth: number }

/**
 * What the toolbar and the context menu need to know about the messages they act on: whether any
 * is unread, all are flagged, all sit in Junk, the one draft among them, and where they can move.
 */
export class ActionTargets {
  private readonly data: Live<{ rows: MessageRow[]; folders: FolderRow[] }>

  constructor(private readonly targets: () => readonly MessageKey[]) {
    this.data = new Live(() => {
      const store = mailState.store
      const keys = this.targets()
      if (!store || keys.length === 0) return null
      const oneAccountId = keys.every((key) => key[0] === keys[0]![0]) ? keys[0]![0] : null
      return async () => {
        const rows = (await store.db.messages.bulkGet([...keys])).filter((row): row is MessageRow => row !== undefined)
        const folders = oneAccountId ? await store.db.folders.where('[accountId+path]').between([oneAccountId, ''], [oneAccountId, '\uffff']).toArray() : []
        return { rows, folders }
      }
    }, { rows: [], folders: [] })
  }

  readonly anyUnread = $derived.by(() => this.data.value.rows.some((row) => row.unread))
  readonly allFlagged = $derived.by(() => this.data.value.rows.length > 0 && this.data.value.rows.every((row) => row.flagged))
  readonly inJunk = $derived.by(() => this.allIn('junk'))
  /** a single draft is finished in the composer, not answered */
  readonly draft = $derived.by(() => {
    const targets = this.targets()
    return targets.length === 1 && this.pathsOf('drafts').includes(targets[0]![1]) ? targets[0]! : null
  })
  /** moving needs one account: folders belong to one */
  readonly oneAccount = $derived.by(() => {
    const targets = this.targets()
    return targets.length > 0 && targets.every((key) => key[0] === targets[0]![0])
  })
  /** every folder they can move to, as an indented list (their own folder left out when they share one) */
  readonly destinations = $derived.by(() => {
    const targets = this.targets()
    const shared = targets.length > 0 && targets.every((key) => key[1] === targets[0]![1]) ? targets[0]![1] : null
    return flatten(folderTree(this.data.value.folders)).filter((node) => node.folder.selectable && node.folder.path !== shared)
  })

  private pathsOf(role: string): string[] {
    return this.data.value.folders.filter((folder) => roleOf(folder) === role).map((folder) => folder.path)
  }

  private allIn(role: string): boolean {
    const paths = this.pathsOf(role)
    return this.data.value.rows.length > 0 && this.data.value.rows.every((row) => paths.includes(row.path))
  }
}

function flatten(nodes: FolderNode[], depth = 0): Destination[] {
  return nodes.flatMap((node) => [{ ...node, depth }, ...flatten(node.children, depth + 1)])
}
