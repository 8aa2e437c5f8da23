import { Dexie, liveQuery, type Subscription } from 'dexie'
import { navigation } from '../shell/navigation.svelte'
import type { FolderRow, MessageKey, MessageRow } from '../store/database'
import { roleOf } from '../store/folders'
import type { Store } from '../store/open-store'
import { personName, subjectOf } from './format'
import { keyId } from './listed-keys'
import { mailState } from './mail-state.svelte'
import { preferences } from './preferences.svelte'

const ASKED_KEY = 'quire.mail.notifications-asked'

/** Past this many new messages at once, one notification sums them up. */
const AT_ONCE = 4

/**
 * Folders whose new mail is news: the inbox, and the user's own folders (where server-side filters
 * deliver); not Sent, Drafts, Archive, Trash, Junk or the virtual ones.
 */
export function announcesNewMail(folder: Pick<FolderRow, 'path' | 'specialUse'>): boolean {
  const role = roleOf(folder)
  return role === 'inbox' || role === null
}

/** Whether the user turned notifications off for this folder or its whole account (Settings, the folder's menu). */
export function quietFolder(accountId: string, path: string): boolean {
  const { quietAccounts, quietFolders } = preferences.current
  return quietAccounts.includes(accountId) || quietFolders.includes(JSON.stringify([accountId, path]))
}

/**
 * Desktop notifications for new mail in every synced inbox and own folder, except those the user
 * quietened, per account or per folder (the Notification API: Electron shows
 * it natively; in web mode the browser asks for permission once, at the user's first click or key,
 * since browsers ignore a request nobody asked for). What an inbox already held when it was first
 * seen synced is not news: only messages newer than that are announced, once, while unread.
 * Clicking one shows it in All Inboxes.
 */
export function notifyNewMail(store: Store): () => void {
  if (typeof Notification === 'undefined') return () => {}
  const ask = () => {
    if (Notification.permission === 'default' && !localStorage.getItem(ASKED_KEY)) {
      localStorage.setItem(ASKED_KEY, '1')
      void Notification.requestPermission()
    }
  }
  addEventListener('pointerdown', ask, { once: true })
  addEventListener('keydown', ask, { once: true })

  /**
   * Per inbox: the newest arrival it held when first seen synced, and the messages of that instant
   * (INTERNALDATE counts whole seconds, so a new message can share it).
   */
  const baseline = new Map<string, { date: number; ids: Set<string> }>()
  const idOf = (row: MessageRow) => keyId([row.accountId, row.path, row.uid])
  const announced = new Set<string>()
  const subscription: Subscription = liveQuery(async () => {
    const inboxes = (await store.db.folders.toArray()).filter((folder) => announcesNewMail(folder) && folder.syncEnabled && folder.selectable)
    return Promise.all(
      inboxes.map(async (folder) => ({
        id: keyId([folder.accountId, folder.path, 0]),
        accountId: folder.accountId,
        path: folder.path,
        synced: (await store.db.cursors.get([folder.accountId, folder.path])) !== undefined,
        newest: await store.db.messages
          .where('[accountId+path+internalDate]')
          .between([folder.accountId, folder.path, Dexie.minKey], [folder.accountId, folder.path, Dexie.maxKey])
          .reverse()
          .limit(50)
          .toArray(),
      })),
    )
  }).subscribe({
    next: (inboxes) => {
      const fresh: MessageRow[] = []
      for (const inbox of inboxes) {
        if (!inbox.synced) continue
        const since = baseline.get(inbox.id)
        if (since === undefined) {
          const date = inbox.newest[0]?.internalDate ?? 0
          baseline.set(inbox.id, { date, ids: new Set(inbox.newest.filter((row) => row.internalDate === date).map(idOf)) })
          continue
        }
        const quiet = quietFolder(inbox.accountId, inbox.path)
        for (const row of inbox.newest) {
          const id = idOf(row)
          const old = row.internalDate < since.date || (row.internalDate === since.date && since.ids.has(id))
          // one message is news once, also when a filter or the user files it in another folder
          const messageId = row.messageId ? `${row.accountId}\u0000${row.messageId}` : null
          if (old || !row.unread || announced.has(id) || (messageId && announced.has(messageId))) continue
          announced.add(id)
          if (messageId) announced.add(messageId)
          // what arrives while a folder is quiet stays unannounced, also once it is no longer quiet
          if (!quiet) fresh.push(row)
        }
      }
      if (fresh.length > AT_ONCE) summary(fresh.length)
      else for (const row of fresh) show(row)
    },
    error: (error: unknown) => console.error('Quire notifications:', error),
  })

  return () => {
    subscription.unsubscribe()
    removeEventListener('pointerdown', ask)
    removeEventListener('keydown', ask)
  }
}

function openInbox(): void {
  window.focus()
  navigation.go('mail')
  mailState.searchText = ''
  mailState.show({ kind: 'unified', view: 'inbox' })
}

function summary(count: number): void {
  if (!preferences.current.notifications || Notification.permission !== 'granted') return
  const notification = new Notification(`${count} new messages`, { body: 'In All Inboxes', tag: 'quire-new-mail' })
  notification.onclick = () => {
    openInbox()
    notification.close()
  }
}

function show(row: MessageRow): void {
  if (!preferences.current.notifications || Notification.permission !== 'granted') return
  const key: MessageKey = [row.accountId, row.path, row.uid]
  const notification = new Notification(personName(row.from[0]) || 'New mail', { body: subjectOf(row.subject), tag: keyId(key) })
  notification.onclick = () => {
    openInbox()
    // mail a filter filed in one of the user's folders is shown there, not in All Inboxes
    if (row.path.toUpperCase() !== 'INBOX') mailState.show({ kind: 'folder', accountId: row.accountId, path: row.path })
    mailState.open(key)
    notification.close()
  }
}
