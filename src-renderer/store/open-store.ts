import type { Client } from '../rpc/client'
import { QuireDatabase } from './database'
import type { MailActions } from './mail-actions'
import { SyncCoordinator } from './sync-coordinator'
import type { SyncProgress } from './sync-progress'
import type { TaskQueue } from './task-queue'

/** The renderer's data, open and following main: what every feature reads from and acts through. */
export interface Store {
  db: QuireDatabase
  client: Client
  sync: SyncCoordinator
  tasks: TaskQueue
  actions: MailActions
  progress: SyncProgress
  /** settles once the account list is mirrored and every account's sync has begun; rejects if main refused */
  started: Promise<void>
}

export interface OpenStoreOptions {
  /**
   * Runs on the database before it opens: the one place where a feature may add Dexie middleware
   * (the search index follows every write this way without the store knowing about it).
   */
  prepare?: (db: QuireDatabase) => void
  databaseName?: string
}

let opened: Promise<Store> | undefined

/**
 * Opens the cache once main answers and starts the sync coordinator (which resumes the task queue
 * a previous session left). Later calls return the same store. It resolves as soon as the cache is
 * open: the UI reads what is cached at once and never waits on the network.
 */
export function openStore(ready: Promise<Client>, options: OpenStoreOptions = {}): Promise<Store> {
  opened ??= ready.then(async (client) => {
    const db = new QuireDatabase(options.databaseName)
    options.prepare?.(db)
    await db.open()
    const sync = new SyncCoordinator(client, db)
    // start() resolves after the first account list is mirrored; syncs go on in the background
    const started = sync.start()
    return { db, client, sync, tasks: sync.tasks, actions: sync.actions, progress: sync.progress, started }
  })
  return opened
}
