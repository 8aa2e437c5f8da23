import type { Directory } from '../../src-main/common/domain/directory'
import { mainConnection } from '../shell/connection.svelte'

/** The LDAP directories main knows, kept current by its `directory.changed` stream. */
class DirectoryList {
  directories = $state.raw<Directory[]>([])
  loaded = $state(false)
  private started = false

  /** Follows the list from first use on (the contacts screen or a recipient field). */
  follow(): void {
    if (this.started) return
    this.started = true
    void mainConnection.ready.then((client) =>
      client.subscribe('directory.changed', {}, {
        onEvent: (directories) => {
          this.directories = directories
          this.loaded = true
        },
      }),
    )
  }
}

export const directoryList = new DirectoryList()
