import { searchIndex } from '../search/search-service'
import { mainConnection } from '../shell/connection.svelte'
import { openStore } from '../store/open-store'
import { mailState } from './mail-state.svelte'
import { mailStatus } from './mail-status.svelte'
import { notifyNewMail } from './new-mail-notifier'

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Opens the store once main answers and hands it to the mail screen; called once by the app. */
export function startMail(): void {
  openStore(mainConnection.ready, { prepare: (db) => searchIndex.attach(db) }).then(
    (store) => {
      mailState.store = store
      mailStatus.follow(store)
      notifyNewMail(store)
      searchIndex.catchUp().catch((error: unknown) => console.error('Quire search index:', error))
      store.started.then(
        () => (mailState.started = true),
        (error: unknown) => (mailState.storeError = errorText(error)),
      )
    },
    (error: unknown) => (mailState.storeError = `The offline store could not be opened. ${errorText(error)}`),
  )
}
