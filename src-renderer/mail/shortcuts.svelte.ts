import { openComposer, type ComposeMode } from '../compose/composer.svelte'
import { mailState } from './mail-state.svelte'
import { messageCommands } from './message-commands'

/** Reply, reply all or forward the message the keyboard is on (the composer belongs to compose/). */
export function answer(mode: Extract<ComposeMode, 'reply' | 'replyAll' | 'forward'>): void {
  const key = mailState.active
  if (key) void openComposer({ mode, message: key })
}

export interface Shortcut {
  keys: string[]
  does: string
}

/** Every shortcut, as the help dialog lists them. */
export const shortcutList: { group: string; items: Shortcut[] }[] = [
  {
    group: 'Move around',
    items: [
      { keys: ['j'], does: 'Next message' },
      { keys: ['k'], does: 'Previous message' },
      { keys: ['Shift', 'j / k'], does: 'Extend the selection' },
      { keys: ['o'], does: 'Open the message (move into the reader)' },
      { keys: ['Enter'], does: 'Open the message' },
      { keys: ['u'], does: 'Back to the list' },
      { keys: ['g', 'i'], does: 'Go to All Inboxes' },
      { keys: ['/'], does: 'Search' },
    ],
  },
  {
    group: 'Act on messages',
    items: [
      { keys: ['e'], does: 'Archive' },
      { keys: ['#'], does: 'Delete (to Trash)' },
      { keys: ['!'], does: 'Junk' },
      { keys: ['v'], does: 'Move to a folder…' },
      { keys: ['Shift', 'F10'], does: 'More actions (in the list)' },
      { keys: ['r'], does: 'Reply' },
      { keys: ['a'], does: 'Reply all' },
      { keys: ['f'], does: 'Forward' },
      { keys: ['c'], does: 'New message' },
      { keys: ['s'], does: 'Flag or unflag' },
      { keys: ['Shift', 'u'], does: 'Mark read or unread' },
      { keys: ['x'], does: 'Select or deselect' },
      { keys: ['Ctrl/⌘', 'a'], does: 'Select all (in the list)' },
      { keys: ['Ctrl/⌘', 'z'], does: 'Undo the last action' },
      { keys: ['?'], does: 'Show these shortcuts' },
    ],
  },
]

const G_PREFIX_MS = 1500

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null
  if (!element || typeof element.closest !== 'function') return false
  return Boolean(element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'))
}

/**
 * The mail screen's keyboard: one handler for the page and for keys pressed inside a message
 * frame. Keys typed into a field, and keys while a dialog is open, are left alone.
 */
class Shortcuts {
  helpOpen = $state(false)
  private gPressedAt = 0

  handle(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || typing(event.target)) return
    if (this.helpOpen || document.querySelector('[role="dialog"], [role="alertdialog"], [role="menu"]')) return
    const mod = event.ctrlKey || event.metaKey
    if (mod) {
      if (event.key.toLowerCase() === 'z' && !event.shiftKey) this.run(event, () => messageCommands.undo())
      return
    }
    const { key } = event
    if (key === 'i' && Date.now() - this.gPressedAt < G_PREFIX_MS) {
      this.gPressedAt = 0
      return this.run(event, () => {
        mailState.searchText = ''
        mailState.show({ kind: 'unified', view: 'inbox' })
        mailState.focus('list')
      })
    }
    this.gPressedAt = key === 'g' ? Date.now() : 0
    const actions: Record<string, () => unknown> = {
      j: () => mailState.step(1),
      k: () => mailState.step(-1),
      J: () => mailState.step(1, true),
      K: () => mailState.step(-1, true),
      o: () => this.openActive(),
      Enter: () => this.openActive(),
      u: () => mailState.focus('list'),
      e: () => messageCommands.archive(),
      '#': () => messageCommands.delete(),
      '!': () => messageCommands.junk(),
      s: () => messageCommands.toggleFlag(),
      U: () => messageCommands.toggleRead(),
      x: () => mailState.active && mailState.toggle(mailState.active),
      '/': () => mailState.focus('search'),
      '?': () => (this.helpOpen = true),
      r: () => answer('reply'),
      a: () => answer('replyAll'),
      f: () => answer('forward'),
      v: () => this.moveTo(),
      c: () => openComposer(mailState.active ? { mode: 'new', accountId: mailState.active[0] } : { mode: 'new' }),
    }
    const action = actions[key]
    // Enter belongs to whatever has the focus (buttons, links) unless that is the message list
    if (key === 'Enter' && !(event.target as HTMLElement | null)?.closest?.('[role="listbox"]')) return
    if (action) this.run(event, action)
  }

  /** v: the toolbar's Move to folder menu, where arrows and typing pick the folder. */
  private moveTo(): void {
    const trigger = document.querySelector<HTMLButtonElement>('[role="toolbar"][aria-label="Message actions"] [aria-label="Move to folder"]')
    if (!trigger || trigger.disabled) return
    // as the keyboard opens it: the first folder takes the focus
    trigger.focus()
    trigger.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }))
  }

  private openActive(): void {
    if (!mailState.active) mailState.step(1)
    mailState.focus('reader')
  }

  private run(event: KeyboardEvent, action: () => unknown): void {
    event.preventDefault()
    void action()
  }
}

export const shortcuts = new Shortcuts()
