import type { MessageKey } from '../store/database'
import type { Store } from '../store/open-store'
import { indexOfKey, keyId, listedIn, type ListedKeys } from './listed-keys'
import { sameMailbox, type Mailbox } from './mailbox'

const MAILBOX_KEY = 'quire.mail.mailbox'

function loadMailbox(): Mailbox {
  try {
    const stored = JSON.parse(localStorage.getItem(MAILBOX_KEY) ?? 'null') as Mailbox | null
    if (stored && (stored.kind === 'unified' || stored.kind === 'folder')) return stored
  } catch {
    // a damaged preference falls back to the unified inbox
  }
  return { kind: 'unified', view: 'inbox' }
}

/** A short message to the user about something they just did (the store's notices cover what happened out of sight). */
export interface Toast {
  id: number
  text: string
  tone: 'info' | 'error'
  /** offers to undo the action that raised it */
  undo?: boolean
}

/**
 * What the mail screen is showing and where the user is in it: the mailbox, the listed keys (set by
 * the list, which follows the cache), the selection and the message open in the reader.
 */
class MailState {
  store = $state.raw<Store | undefined>()
  storeError = $state<string | undefined>()
  /** the store has mirrored main's account list at least once */
  started = $state(false)
  mailbox = $state.raw<Mailbox>(loadMailbox())
  /** the mailbox's messages newest first, as the list last read them */
  keys = $state.raw<ListedKeys>([])
  keysLoaded = $state(false)
  /** selected rows by `keyId` */
  selected = $state.raw<ReadonlySet<string>>(new Set())
  /** the row the keyboard is on; the reader shows it when it is the only one selected */
  active = $state.raw<MessageKey | null>(null)
  /** where a Shift-click range starts */
  anchor = $state.raw<MessageKey | null>(null)
  searchText = $state('')
  /** the messages being dragged from the list towards a folder */
  dragging = $state.raw<readonly MessageKey[] | null>(null)
  toasts = $state<Toast[]>([])
  /** bumps to ask the list (1) or the reader (2) to take the focus */
  focusRequest = $state<{ target: 'list' | 'reader' | 'search'; n: number }>({ target: 'list', n: 0 })
  private nextToast = 1

  /**
   * Where `key` is listed, or -1. A scan, not a map kept beside the list: a map of 100k key strings
   * held about 8 MB for as long as the folder was open (and as much garbage each time the list
   * changed), while a scan of 100k keys takes well under a millisecond, once per move.
   */
  indexOf(key: MessageKey): number {
    return indexOfKey(this.keys, key)
  }

  readonly activeIndex = $derived(this.active ? this.indexOf(this.active) : -1)

  /** The messages an action applies to: the selection, or the active row when nothing else is selected. */
  targets(): MessageKey[] {
    const selected = listedIn(this.keys, this.selected).flatMap((entry) => entry.members ?? [entry.key])
    if (selected.length > 0) return selected
    if (!this.active) return []
    // a conversation row stands for every message of its thread in the mailbox (`at(-1)` would be the last row)
    const row = this.activeIndex >= 0 ? this.keys.at(this.activeIndex) : undefined
    return row?.members?.slice() ?? [this.active]
  }

  /** where to go back to when the search is cleared */
  beforeSearch = $state.raw<Mailbox>({ kind: 'unified', view: 'inbox' })

  show(mailbox: Mailbox): void {
    if (sameMailbox(mailbox, this.mailbox)) return
    if (mailbox.kind === 'search' && this.mailbox.kind !== 'search') this.beforeSearch = this.mailbox
    // a new search replaces the results in place: the list stays where it is until they arrive
    if (mailbox.kind === 'search' && this.mailbox.kind === 'search') {
      this.mailbox = mailbox
      return
    }
    this.mailbox = mailbox
    this.keys = []
    this.keysLoaded = false
    this.clearSelection()
    if (mailbox.kind !== 'search') localStorage.setItem(MAILBOX_KEY, JSON.stringify(mailbox))
  }

  clearSelection(): void {
    this.selected = new Set()
    this.active = null
    this.anchor = null
  }

  /** Opens one message: it becomes the only selected row. */
  open(key: MessageKey): void {
    this.active = key
    this.anchor = key
    this.selected = new Set([keyId(key)])
  }

  /** Ctrl/Cmd-click: adds or removes one row, keeping the rest. */
  toggle(key: MessageKey): void {
    const id = keyId(key)
    this.selected = new Set(this.selected.has(id) ? [...this.selected].filter((other) => other !== id) : [...this.selected, id])
    this.active = key
    this.anchor = key
  }

  /** Shift-click or Shift+j/k: selects every row from the anchor to `key`. */
  extendTo(key: MessageKey): void {
    const from = this.indexOf(this.anchor ?? key)
    const to = this.indexOf(key)
    if (from < 0 || to < 0) return this.open(key)
    const [lo, hi] = from < to ? [from, to] : [to, from]
    this.selected = new Set(this.keys.slice(lo, hi + 1).map((entry) => keyId(entry.key)))
    this.active = key
  }

  selectAll(): void {
    const all: string[] = []
    this.keys.forEach((entry) => all.push(keyId(entry.key)))
    this.selected = new Set(all)
  }

  /** Moves the active row by `step` (j/k); `extend` grows the selection instead. */
  step(step: number, extend = false): void {
    if (this.keys.length === 0) return
    const index = this.activeIndex < 0 ? (step > 0 ? 0 : this.keys.length - 1) : Math.min(this.keys.length - 1, Math.max(0, this.activeIndex + step))
    const key = this.keys.at(index)!.key
    if (extend) this.extendTo(key)
    else this.open(key)
  }

  /**
   * The row to show once `leaving` disappear from the list (archived, deleted, moved): the first
   * one after the active row that stays, else the last one before it.
   */
  neighbourAfter(leaving: readonly MessageKey[]): MessageKey | null {
    const gone = new Set(leaving.map(keyId))
    const start = Math.max(0, this.activeIndex)
    for (let i = start; i < this.keys.length; i++) if (!gone.has(keyId(this.keys.at(i)!.key))) return this.keys.at(i)!.key
    for (let i = start - 1; i >= 0; i--) if (!gone.has(keyId(this.keys.at(i)!.key))) return this.keys.at(i)!.key
    return null
  }

  focus(target: 'list' | 'reader' | 'search'): void {
    this.focusRequest = { target, n: this.focusRequest.n + 1 }
  }

  toast(text: string, options: { tone?: Toast['tone']; undo?: boolean } = {}): void {
    const toast: Toast = { id: this.nextToast++, text, tone: options.tone ?? 'info', ...(options.undo ? { undo: true } : {}) }
    // one toast about the last action at a time: a new action replaces the old one's offer to undo
    this.toasts = [...this.toasts.filter((t) => t.tone === 'error').slice(-2), toast]
    setTimeout(() => this.dismiss(toast.id), toast.tone === 'error' ? 12_000 : 8_000)
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id)
  }
}

export const mailState = new MailState()
