import { liveQuery } from 'dexie'
import type { AccountId } from '../../src-main/common/domain/account'
import type { SendOutcome } from '../../src-main/common/domain/compose'
import type { Client } from '../rpc/client'
import { mainConnection } from '../shell/connection.svelte'
import { ComposeDatabase, type DraftRow, type OutboxRow, type SendProblem } from '../store/compose/compose-database'
import { wireDraft } from '../store/compose/draft-wire'
import { markOriginal } from '../store/compose/mark-original'
import { Outbox } from '../store/compose/outbox'
import { openStore, type Store } from '../store/open-store'
import { createDraft, type ComposerOptions } from './draft-factory'

export type { ComposeMode, ComposerOptions, MessageSource } from './draft-factory'

const UNDO_KEY = 'quire.compose.undoSeconds'
export const UNDO_CHOICES = [0, 5, 10, 20, 30] as const

/** Something to tell the user about a message on its way; `messageId` ties it to the message (undo, edit). */
export interface ComposeToast {
  id: number
  text: string
  tone: 'info' | 'error'
  action?: { label: string; run: () => void }
  /** ms since the epoch when the toast's action stops making sense (the undo window closes) */
  until?: number
  /** the message the toast is about */
  messageId?: string
}

function loadUndoSeconds(): number {
  const stored = Number(localStorage.getItem(UNDO_KEY))
  return (UNDO_CHOICES as readonly number[]).includes(stored) && localStorage.getItem(UNDO_KEY) !== null ? stored : 5
}

/**
 * The composer as the app sees it: which draft is open, the outbox, and what the user is told
 * about messages on their way. One composer is open at a time; opening another keeps the first as
 * a draft. Everything a draft is lives in IndexedDB (compose database), so nothing is lost to a
 * reload, a crash or a closed window.
 */
class Composer {
  /** the Message-ID of the draft open in the composer */
  openId = $state<string | null>(null)
  /** the open draft was made by this opening: closed untouched, it is simply dropped */
  fresh = $state<string | null>(null)
  /** the composer fills the content area instead of floating */
  expanded = $state(false)
  opening = $state(false)
  openError = $state<string | null>(null)
  outboxOpen = $state(false)
  outbox = $state.raw<OutboxRow[]>([])
  /** drafts kept only on this device so far (written offline): the server's Drafts does not have their last words */
  unsaved = $state.raw<DraftRow[]>([])
  toasts = $state<ComposeToast[]>([])
  undoSeconds = $state(loadUndoSeconds())
  ready = $state(false)
  /** at least one mail account exists: there is someone to write as */
  hasAccount = $state(false)
  /** why a message taken back from the outbox was not sent, by Message-ID: the composer shows it */
  problems = $state<Record<string, SendProblem>>({})

  private dbValue: ComposeDatabase | undefined
  private sender: Outbox | undefined
  private nextToast = 1
  private starting: Promise<void> | undefined

  get db(): ComposeDatabase {
    this.dbValue ??= new ComposeDatabase()
    return this.dbValue
  }

  /** Opens the database and starts the outbox; the composer host calls it once. */
  start(): Promise<void> {
    this.starting ??= this.begin()
    return this.starting
  }

  private async begin(): Promise<void> {
    const db = this.db
    await db.open()
    liveQuery(() => db.outbox.toArray()).subscribe({ next: (rows) => (this.outbox = rows.sort((a, b) => a.sendAt - b.sendAt)) })
    liveQuery(async () => {
      const queued = new Set(await db.outbox.toCollection().primaryKeys())
      return (await db.drafts.orderBy('updatedAt').reverse().toArray()).filter((draft) => draft.savedRevision < draft.revision && !queued.has(draft.messageId))
    }).subscribe({ next: (rows) => (this.unsaved = rows) })
    this.ready = true
    const client = await mainConnection.ready
    const store = await openStore(mainConnection.ready)
    liveQuery(() => store.db.accounts.count()).subscribe({ next: (count) => (this.hasAccount = count > 0) })
    this.sender = new Outbox(db, client, {
      onSent: (draft, outcome) => void this.sent(store, draft, outcome),
      onFailed: (draft, problem) => this.refused(draft, problem),
    })
    await this.sender.start()
    // the account (or the network) is back: what waits for it goes now, not at the end of its backoff
    const back = (accountId?: AccountId) => {
      void this.sender?.retryNow(accountId)
      void this.saveUnsaved(client)
    }
    client.subscribe('mail.status', {}, { onEvent: (status) => status.state === 'online' && back(status.accountId) })
    window.addEventListener('online', () => back())
    void this.saveUnsaved(client)
  }

  /** Opens the composer for what `options` asks (a new message, an answer, a forward, a draft to finish). */
  async open(options: ComposerOptions): Promise<void> {
    this.openError = null
    this.opening = true
    try {
      await this.start()
      const store = await openStore(mainConnection.ready)
      const { draft, attachments, existing } = await createDraft(store, this.db, options)
      if (!existing) {
        await this.db.transaction('rw', [this.db.drafts, this.db.attachments], async () => {
          await this.db.drafts.put(draft)
          if (attachments.length) await this.db.attachments.bulkAdd(attachments)
        })
      }
      this.outboxOpen = false
      this.fresh = existing ? null : draft.messageId
      this.openId = draft.messageId
    } catch (error) {
      this.openError = error instanceof Error ? error.message : String(error)
      this.toast({ text: `Couldn’t open the composer: ${this.openError}`, tone: 'error' })
    } finally {
      this.opening = false
    }
  }

  /** Reopens a draft the composer knows (from the outbox: edit a scheduled or failed message). */
  async edit(messageId: string): Promise<void> {
    const queued = await this.db.outbox.get(messageId)
    if (queued && (await this.sender?.takeBack(messageId)) === false) {
      this.toast({ text: 'This message is being sent and can no longer be changed.', tone: 'info' })
      return
    }
    if (queued?.problem) this.problems = { ...this.problems, [messageId]: queued.problem }
    this.outboxOpen = false
    this.fresh = null
    this.openId = messageId
  }

  close(): void {
    this.openId = null
    this.expanded = false
  }

  setUndoSeconds(seconds: number): void {
    this.undoSeconds = seconds
    localStorage.setItem(UNDO_KEY, String(seconds))
  }

  /**
   * Sends the open draft: into the outbox, to go when the undo window closes (or at `at`, "send
   * later"). The composer closes; a toast offers to undo until the message goes.
   */
  async send(draft: DraftRow, at?: number): Promise<void> {
    await this.start()
    const sendAt = at ?? Date.now() + this.undoSeconds * 1000
    const { [draft.messageId]: _solved, ...problems } = this.problems
    this.problems = problems
    await this.sender?.queue(draft, sendAt, at !== undefined)
    this.close()
    if (at !== undefined) {
      const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(at)
      this.toast({ text: `Scheduled for ${when}. It waits in the Outbox.`, tone: 'info', action: { label: 'Undo', run: () => void this.undo(draft.messageId) }, until: Date.now() + 8000, messageId: draft.messageId })
    } else if (this.undoSeconds > 0) {
      this.toast({ text: 'Sending…', tone: 'info', action: { label: 'Undo', run: () => void this.undo(draft.messageId) }, until: sendAt, messageId: draft.messageId })
    }
  }

  /** Undo send: the message comes back to the composer if it has not gone yet. */
  async undo(messageId: string): Promise<void> {
    this.dismissFor(messageId)
    if (await this.sender?.takeBack(messageId)) {
      this.outboxOpen = false
      this.fresh = null
      this.openId = messageId
    } else {
      this.toast({ text: 'Too late to undo: the message has been sent.', tone: 'info' })
    }
  }

  async sendNow(messageId: string): Promise<void> {
    await this.sender?.sendNow(messageId)
  }

  /** Deletes a draft here and on the server (for a draft never saved there, only here). */
  async discard(draft: DraftRow): Promise<void> {
    await this.sender?.takeBack(draft.messageId)
    await this.db.transaction('rw', [this.db.drafts, this.db.attachments, this.db.outbox], async () => {
      await this.db.drafts.delete(draft.messageId)
      await this.db.attachments.where('messageId').equals(draft.messageId).delete()
      await this.db.outbox.delete(draft.messageId)
    })
    if (this.openId === draft.messageId) this.close()
    if (draft.savedRevision > 0) {
      const client = await mainConnection.ready
      client.call('compose.discardDraft', { accountId: draft.accountId, messageId: draft.messageId }).catch((error: unknown) => {
        this.toast({ text: `The draft is gone here, but its copy in Drafts could not be removed: ${error instanceof Error ? error.message : String(error)}`, tone: 'error' })
      })
    }
  }

  /** Files the draft in the server's Drafts if it changed since the last time; false when that did not work (offline …). */
  async saveToServer(messageId: string, client?: Client): Promise<boolean> {
    const db = this.db
    const draft = await db.drafts.get(messageId)
    if (!draft || draft.savedRevision >= draft.revision) return true
    if (await db.outbox.get(messageId)) return true
    const attachments = await db.attachments.where('messageId').equals(messageId).toArray()
    try {
      const rpc = client ?? (await mainConnection.ready)
      await rpc.call('compose.saveDraft', { accountId: draft.accountId, draft: wireDraft(draft, attachments) })
      // only what was saved counts as saved: a change made meanwhile is saved next time
      await db.drafts.where('messageId').equals(messageId).modify((row) => {
        row.savedRevision = Math.max(row.savedRevision, draft.revision)
      })
      return true
    } catch {
      return false
    }
  }

  /** Files in the server's Drafts every draft written here while it could not be (not the one open: its composer does that). */
  private async saveUnsaved(client: Client): Promise<void> {
    for (const draft of this.unsaved) if (draft.messageId !== this.openId) await this.saveToServer(draft.messageId, client)
  }

  toast(toast: Omit<ComposeToast, 'id'>): void {
    const entry = { ...toast, id: this.nextToast++ }
    this.toasts = [...this.toasts.slice(-3), entry]
    const lifetime = toast.until ? Math.max(0, toast.until - Date.now()) + 400 : toast.tone === 'error' ? 12_000 : 5_000
    setTimeout(() => this.dismiss(entry.id), lifetime)
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id)
  }

  private dismissFor(messageId: string): void {
    this.toasts = this.toasts.filter((toast) => toast.messageId !== messageId)
  }

  /** Gone: tell the user, and mark the original answered or forwarded (RFC 3501 \Answered, RFC 5788 $Forwarded) through the task queue. */
  private async sent(store: Store, draft: DraftRow, outcome: SendOutcome): Promise<void> {
    this.dismissFor(draft.messageId)
    const recipients = outcome.accepted.length === 1 ? outcome.accepted[0] : `${outcome.accepted.length} recipients`
    this.toast({ text: `Sent to ${recipients}.`, tone: 'info' })
    if (draft.origin) await markOriginal(store.db, store.tasks, draft.origin)
  }

  private refused(draft: DraftRow, problem: SendProblem): void {
    this.dismissFor(draft.messageId)
    const who = problem.refused.map((r) => r.address).join(', ')
    const text = problem.code === 'RECIPIENT_REJECTED' && who ? `Not sent: the server refused ${who}. ${problem.refused.map((r) => `“${r.response}”`).join(' ')}` : `Not sent: ${problem.message}`
    this.toast({ text, tone: 'error', action: { label: 'Edit', run: () => void this.edit(draft.messageId) }, messageId: draft.messageId })
  }
}

export const composer = new Composer()

/** The one way into the composer (the inbox's Reply, Reply all, Forward buttons, "New message", a draft in Drafts). */
export function openComposer(options: ComposerOptions): Promise<void> {
  return composer.open(options)
}
