/** How the user likes the mail screen, kept in this browser profile (nothing here is worth syncing). */
export interface MailPreferences {
  readingPane: 'right' | 'bottom'
  /** seconds a message stays open before it is marked read; -1: never automatically */
  markReadAfterSeconds: number
  /** accounts whose folder tree is folded away in the sidebar */
  collapsedAccounts: string[]
  /** folders whose subfolders are folded away, as JSON [accountId, path] */
  collapsedFolders: string[]
  /** desktop notifications for new mail in synced inboxes */
  notifications: boolean
  /** the list shows one row per conversation instead of one per message */
  conversations: boolean
  /** accounts whose new mail raises no notification */
  quietAccounts: string[]
  /** folders whose new mail raises no notification, as JSON [accountId, path] */
  quietFolders: string[]
}

const STORAGE_KEY = 'quire.mail.preferences'

const defaults: MailPreferences = {
  readingPane: 'right',
  markReadAfterSeconds: 2,
  collapsedAccounts: [],
  collapsedFolders: [],
  notifications: true,
  conversations: false,
  quietAccounts: [],
  quietFolders: [],
}

function load(): MailPreferences {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<MailPreferences>
    return { ...defaults, ...stored }
  } catch {
    return { ...defaults }
  }
}

class Preferences {
  current = $state<MailPreferences>(load())

  change(changes: Partial<MailPreferences>): void {
    this.current = { ...this.current, ...changes }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.current))
  }

  toggle(list: 'collapsedAccounts' | 'collapsedFolders' | 'quietAccounts' | 'quietFolders', id: string): void {
    const items = this.current[list]
    this.change({ [list]: items.includes(id) ? items.filter((item) => item !== id) : [...items, id] })
  }
}

export const preferences = new Preferences()
