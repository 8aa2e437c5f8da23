import type { ImapFlow } from 'imapflow'
import type { MailChanged } from './mail-events'
import type { FolderHealth } from './folder-health'
import { isSelectable } from './folder-list'

/**
 * Watches the folders IDLE does not cover (RFC 2177 IDLE follows only the selected folder): each
 * round lists the folders and asks STATUS (RFC 3501 §6.3.10, HIGHESTMODSEQ from RFC 7162 §3.1.3)
 * for each, and reports the folders whose answer moved since the last round. The first round only
 * learns where everything stands.
 */
export class FolderPoller {
  private readonly last = new Map<string, string>()
  private folders: Set<string> | null = null

  constructor(
    private readonly health: FolderHealth,
    private readonly on: {
      changed: (path: string, reason: MailChanged['reason']) => void
      /** what STATUS said a folder's UIDVALIDITY is now */
      uidValidity: (path: string, uidValidity: string) => void
    },
  ) {}

  async round(client: ImapFlow, { includeInbox }: { includeInbox: boolean }): Promise<void> {
    const listed = await client.list({ listOnly: true })
    const selectable = listed.filter(isSelectable).map((entry) => entry.path)
    this.noteFolderList(new Set(listed.map((entry) => entry.path)))
    const withModseq = client.capabilities.has('CONDSTORE')
    for (const path of selectable) {
      if ((!includeInbox && path === 'INBOX') || this.health.isSetAside(path)) continue
      let status
      try {
        status = await client.status(path, { messages: true, uidNext: true, uidValidity: true, unseen: true, highestModseq: withModseq })
      } catch (error) {
        // the connection dropped while the server looked at this folder: count it against the folder
        if (!client.usable) {
          this.health.recordDrop(path)
          throw error
        }
        continue // removed between LIST and STATUS; the next LIST says so
      }
      if (!status) continue
      if (status.uidValidity !== undefined) this.on.uidValidity(path, status.uidValidity.toString())
      const key = [status.messages, status.uidNext, status.uidValidity, status.unseen, status.highestModseq].map(String).join(' ')
      const before = this.last.get(path)
      this.last.set(path, key)
      if (before !== undefined && before !== key) this.on.changed(path, 'poll')
    }
  }

  private noteFolderList(paths: Set<string>): void {
    const before = this.folders
    this.folders = paths
    if (!before) return
    for (const path of paths) if (!before.has(path)) this.on.changed(path, 'folders')
    for (const path of before) {
      if (paths.has(path)) continue
      this.last.delete(path)
      this.on.changed(path, 'folders')
    }
  }
}
