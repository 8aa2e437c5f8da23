import type { MessageKey, MessageRow } from '../store/database'
import type { MessageRef } from '../store/mail-actions'
import type { Store } from '../store/open-store'
import { keyId } from './listed-keys'
import { mailState } from './mail-state.svelte'

const refOf = (key: MessageKey): MessageRef => ({ accountId: key[0], path: key[1], uid: key[2] })

const count = (n: number) => (n === 1 ? '1 message' : `${n} messages`)

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function rowsOf(store: Store, keys: readonly MessageKey[]): Promise<MessageRow[]> {
  return (await store.db.messages.bulkGet([...keys])).filter((row): row is MessageRow => row !== undefined)
}

/**
 * Runs one user action on the targets through `MailActions` (so it applies at once and reaches the
 * server through the task queue, offline or not) and reports it in a toast. An action that takes
 * the messages out of the list moves the reader to the next message.
 */
async function perform(
  label: (n: number) => string,
  act: (store: Store, refs: MessageRef[]) => Promise<void>,
  options: { leaves: boolean; keys?: readonly MessageKey[] },
): Promise<void> {
  const store = mailState.store
  const keys = options.keys ?? mailState.targets()
  if (!store || keys.length === 0) return
  const next = options.leaves ? mailState.neighbourAfter(keys) : null
  try {
    await act(store, keys.map(refOf))
  } catch (error) {
    mailState.toast(errorText(error), { tone: 'error' })
    return
  }
  if (options.leaves) {
    if (next) mailState.open(next)
    else mailState.clearSelection()
  }
  mailState.toast(label(keys.length), { undo: true })
}

export const messageCommands = {
  markRead: (keys?: readonly MessageKey[]) =>
    perform((n) => `Marked ${count(n)} as read`, (store, refs) => store.actions.markRead(refs), { leaves: false, ...(keys ? { keys } : {}) }),

  /** Quietly, as the reader does after the delay: no toast, nothing to undo on screen. */
  async markReadQuietly(keys: readonly MessageKey[]): Promise<void> {
    const store = mailState.store
    if (!store) return
    const unread = (await rowsOf(store, keys)).filter((row) => row.unread).map((row): MessageKey => [row.accountId, row.path, row.uid])
    if (unread.length > 0) await store.actions.markRead(unread.map(refOf)).catch((error: unknown) => mailState.toast(errorText(error), { tone: 'error' }))
  },

  /** Shift+U and the toolbar: unread if any target is read, otherwise read. */
  async toggleRead(): Promise<void> {
    const store = mailState.store
    const keys = mailState.targets()
    if (!store || keys.length === 0) return
    const anyRead = (await rowsOf(store, keys)).some((row) => !row.unread)
    if (anyRead) await perform((n) => `Marked ${count(n)} as unread`, (s, refs) => s.actions.markUnread(refs), { leaves: false, keys })
    else await perform((n) => `Marked ${count(n)} as read`, (s, refs) => s.actions.markRead(refs), { leaves: false, keys })
  },

  /** Unread again: the reader's per-message menu, for one message of a conversation. */
  markUnread: (keys: readonly MessageKey[]) => perform((n) => `Marked ${count(n)} as unread`, (store, refs) => store.actions.markUnread(refs), { leaves: false, keys }),

  /** `keys`: one message of a conversation (the reader's per-message menu); the targets otherwise. */
  async toggleFlag(only?: readonly MessageKey[]): Promise<void> {
    const store = mailState.store
    const keys = only ?? mailState.targets()
    if (!store || keys.length === 0) return
    const allFlagged = (await rowsOf(store, keys)).every((row) => row.flagged)
    if (allFlagged) await perform((n) => `Unflagged ${count(n)}`, (s, refs) => s.actions.unflag(refs), { leaves: false, keys })
    else await perform((n) => `Flagged ${count(n)}`, (s, refs) => s.actions.flag(refs), { leaves: false, keys })
  },

  archive: () => perform((n) => `Archived ${count(n)}`, (store, refs) => store.actions.archive(refs), { leaves: true }),
  delete: (keys?: readonly MessageKey[]) =>
    perform((n) => `Moved ${count(n)} to Trash`, (store, refs) => store.actions.delete(refs), {
      // one message of a conversation leaves the list only when it is the one the row is listed by
      leaves: !keys || keys.some((key) => mailState.active !== null && keyId(key) === keyId(mailState.active)),
      ...(keys ? { keys } : {}),
    }),
  junk: () => perform((n) => `Moved ${count(n)} to Junk`, (store, refs) => store.actions.markJunk(refs), { leaves: true }),
  notJunk: (keys?: readonly MessageKey[]) =>
    perform((n) => `Marked ${count(n)} as not junk`, (store, refs) => store.actions.markNotJunk(refs), { leaves: true, ...(keys ? { keys } : {}) }),

  /** Moves the targets (or `keys`, e.g. dragged ones) of one account to its folder `path`. */
  moveTo: (path: string, folderName: string, keys?: readonly MessageKey[]) =>
    perform((n) => `Moved ${count(n)} to ${folderName}`, (store, refs) => store.actions.move(refs, path), { leaves: true, ...(keys ? { keys } : {}) }),

  async undo(): Promise<void> {
    const store = mailState.store
    if (!store) return
    const label = store.actions.undoable.get()
    if (!label) {
      mailState.toast('Nothing to undo')
      return
    }
    try {
      const undone = await store.actions.undoLast()
      mailState.toast(undone ? `Undid “${label}”` : `“${label}” could not be undone`, { tone: undone ? 'info' : 'error' })
    } catch (error) {
      mailState.toast(errorText(error), { tone: 'error' })
    }
  },
}
