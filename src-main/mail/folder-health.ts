import type { ErrorShape, QuireError } from '../common/contract'
import { backoffDelay, type BackoffPolicy } from './backoff'
import { folderUnavailableError } from './mail-errors'

interface Record {
  /** consecutive times the connection dropped while opening the folder */
  drops: number
  /** set once the folder is set aside */
  error: QuireError | null
  retryAt: number
}

export interface FolderHealthOptions {
  attempts: number
  retry: BackoffPolicy
  brokenRetryMs: number
  now: () => number
  onChange: () => void
}

/**
 * Which folders of one account make the server drop the connection when opened, so that one such
 * folder costs a few bounded retries, not an endless reconnect loop, and the others keep syncing.
 */
export class FolderHealth {
  private readonly records = new Map<string, Record>()

  constructor(private readonly options: FolderHealthOptions) {}

  /** Throws the folder's error while it is set aside. */
  assertOpenable(path: string): void {
    const record = this.records.get(path)
    if (record?.error && this.options.now() < record.retryAt) throw record.error
  }

  isSetAside(path: string): boolean {
    const record = this.records.get(path)
    return !!record?.error && this.options.now() < record.retryAt
  }

  /** The connection dropped while opening `path`: how long to wait before the next try, or null when the folder is now set aside. */
  recordDrop(path: string): number | null {
    const record = this.records.get(path) ?? { drops: 0, error: null, retryAt: 0 }
    record.drops++
    this.records.set(path, record)
    if (record.drops < this.options.attempts) return backoffDelay(record.drops - 1, this.options.retry)
    record.retryAt = this.options.now() + this.options.brokenRetryMs
    record.error = folderUnavailableError(path, record.drops, record.retryAt)
    // the next try after retryAt gets one attempt before it is set aside again
    record.drops = this.options.attempts - 1
    this.options.onChange()
    return null
  }

  recordSuccess(path: string): void {
    const record = this.records.get(path)
    if (!record) return
    this.records.delete(path)
    if (record.error) this.options.onChange()
  }

  errors(): { path: string; error: ErrorShape }[] {
    return [...this.records.entries()].filter(([, r]) => r.error).map(([path, r]) => ({ path, error: (r.error as QuireError).toShape() }))
  }
}
