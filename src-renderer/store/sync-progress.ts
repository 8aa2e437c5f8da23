import type { AccountId } from '../../src-main/common/domain/account'
import { ObservableValue } from './observable-value'

/**
 * `waiting`: not reached yet in this pass; `syncing`: fetching what is new; `backfilling`: fetching
 * older mail in the background; `done`: everything the sync window asks for is cached.
 */
export type FolderSyncState = 'waiting' | 'syncing' | 'backfilling' | 'done' | 'error'

export interface FolderSyncProgress {
  state: FolderSyncState
  /** headers of this folder in the cache */
  cached: number
  error: string | null
}

export interface AccountSyncProgress {
  accountId: AccountId
  /** folders whose sync is on */
  foldersTotal: number
  foldersDone: number
  messagesCached: number
  /** the account's folder list is being fetched */
  refreshingFolders: boolean
  error: string | null
  folders: Readonly<Record<string, FolderSyncProgress>>
}

/**
 * How far the cache has come, per account and folder, for the sidebar and the status bar. Every
 * change publishes a new map of new objects, so a UI that compares by identity sees it.
 */
export class SyncProgress extends ObservableValue<ReadonlyMap<AccountId, AccountSyncProgress>> {
  constructor() {
    super(new Map())
  }

  of(accountId: AccountId): AccountSyncProgress | undefined {
    return this.get().get(accountId)
  }

  /** Sets the account's folder list: folders that stay keep their figures. */
  setFolders(accountId: AccountId, paths: readonly string[]): void {
    this.change(accountId, (account) => ({
      ...account,
      folders: Object.fromEntries(paths.map((path) => [path, account.folders[path] ?? { state: 'waiting', cached: 0, error: null }])),
    }))
  }

  setAccount(accountId: AccountId, changes: Partial<Pick<AccountSyncProgress, 'refreshingFolders' | 'error'>>): void {
    this.change(accountId, (account) => ({ ...account, ...changes }))
  }

  setFolder(accountId: AccountId, path: string, changes: Partial<FolderSyncProgress>): void {
    this.change(accountId, (account) => {
      const folder = account.folders[path]
      return folder ? { ...account, folders: { ...account.folders, [path]: { ...folder, ...changes } } } : account
    })
  }

  remove(accountId: AccountId): void {
    const next = new Map(this.get())
    next.delete(accountId)
    this.set(next)
  }

  private change(accountId: AccountId, update: (account: AccountSyncProgress) => AccountSyncProgress): void {
    const current = this.of(accountId) ?? {
      accountId,
      foldersTotal: 0,
      foldersDone: 0,
      messagesCached: 0,
      refreshingFolders: false,
      error: null,
      folders: {},
    }
    const updated = update(current)
    const folders = Object.values(updated.folders)
    const totals = {
      foldersTotal: folders.length,
      foldersDone: folders.filter((folder) => folder.state === 'done').length,
      messagesCached: folders.reduce((sum, folder) => sum + folder.cached, 0),
    }
    const next = new Map(this.get())
    next.set(accountId, { ...updated, ...totals })
    this.set(next)
  }
}
