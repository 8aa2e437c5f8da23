import type { EventPayload } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import type { AccountSyncProgress } from '../store/sync-progress'
import type { Store } from '../store/open-store'

export type AccountStatus = EventPayload<'mail.status'>

/** Each account's connection (from main's `mail.status`) and how far its cache has come (from the store). */
class MailStatusBoard {
  statuses = $state.raw<ReadonlyMap<AccountId, AccountStatus>>(new Map())
  progress = $state.raw<ReadonlyMap<AccountId, AccountSyncProgress>>(new Map())

  follow(store: Store): () => void {
    const stopProgress = store.progress.subscribe((progress) => (this.progress = progress))
    const stopStatus = store.client.subscribe('mail.status', {}, {
      onEvent: (status) => (this.statuses = new Map([...this.statuses, [status.accountId, status]])),
    })
    return () => {
      stopProgress()
      stopStatus()
    }
  }

  /** True while the account's folder list or any of its folders is being fetched. */
  busy(accountId: AccountId): boolean {
    const progress = this.progress.get(accountId)
    if (!progress) return false
    return progress.refreshingFolders || Object.values(progress.folders).some((folder) => folder.state === 'syncing')
  }
}

export const mailStatus = new MailStatusBoard()
