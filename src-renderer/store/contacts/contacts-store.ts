import type { Client } from '../../rpc/client'
import { ContactActions } from './contact-actions'
import { ContactTasks, type ContactTasksOptions } from './contact-tasks'
import { ContactsDatabase } from './contacts-database'
import { ContactsSync, type ContactsSyncOptions } from './contacts-sync'

export interface ContactsStoreOptions {
  databaseName?: string
  sync?: ContactsSyncOptions
  tasks?: ContactTasksOptions
}

/** The contacts cache, its sync with main and the queue of the user's changes, started together. */
export class ContactsStore {
  readonly db: ContactsDatabase
  readonly sync: ContactsSync
  readonly tasks: ContactTasks
  readonly actions: ContactActions

  constructor(
    readonly client: Client,
    options: ContactsStoreOptions = {},
  ) {
    this.db = new ContactsDatabase(options.databaseName)
    this.tasks = new ContactTasks(this.db, client, options.tasks)
    this.sync = new ContactsSync(this.db, client, {
      ...options.sync,
      onOnline: (accountId) => void this.tasks.retryNow(accountId),
    })
    this.actions = new ContactActions(this.db, this.tasks)
  }

  async start(): Promise<void> {
    await this.tasks.start()
    this.sync.start()
  }

  stop(): void {
    this.sync.stop()
    this.tasks.stop()
  }
}
