import { searchIndex } from '../search/search-service'
import { mainConnection } from '../shell/connection.svelte'
import { notePageBurst } from '../shell/idle-collection'
import { openStore } from '../store/open-store'
import { mailState } from './mail-state.svelte'
import { mailStatus } from './mail-status.svelte'
import { notifyNewMail } from './new-mail-notifier'

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** How long the start's background work waits at most for the list (the mail screen may not be the one open). */
const LIST_WAIT_MS = 15_000
const LIST_POLL_MS = 100

/**
 * Settles once the list has read the mailbox the app opened on (or after `LIST_WAIT_MS`) and the
 * page is then idle: the search index's start-up reads wait for it, so the first rows and the
 * whole list are not queued behind them in IndexedDB.
 */
function listShownAndIdle(): Promise<void> {
  const started = Date.now()
  return new Promise<void>((resolve) => {
    const poll = () => {
      if (!mailState.keysLoaded && Date.now() - started < LIST_WAIT_MS) return void setTimeout(poll, LIST_POLL_MS)
      if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 2000 })
      else setTimeout(resolve, 0)
    }
    poll()
  })
}

/** Opens the store once main answers and hands it to the mail screen; called once by the app. */
export function startMail(): void {
  openStore(mainConnection.ready, { prepare: (db) => searchIndex.attach(db) }).then(
    (store) => {
      mailState.store = store
      mailStatus.follow(store)
      notifyNewMail(store)
      searchIndex
        .catchUp(listShownAndIdle())
        // the start's reads (the list, the catch-up, the word index) leave their garbage: give it back once quiet
        .then(() => searchIndex.ready())
        .then(notePageBurst)
        .catch((error: unknown) => console.error('Quire search index:', error))
      store.started.then(
        () => (mailState.started = true),
        (error: unknown) => (mailState.storeError = errorText(error)),
      )
    },
    (error: unknown) => (mailState.storeError = `The offline store could not be opened. ${errorText(error)}`),
  )
}
