import type { AccountId } from '../../../src-main/common/domain/account'
import type { RefusedRecipient, SendOutcome } from '../../../src-main/common/domain/compose'
import { RpcError, type Client } from '../../rpc/client'
import type { ComposeDatabase, DraftRow, OutboxRow, SendProblem } from './compose-database'
import { wireDraft } from './draft-wire'

export interface OutboxOptions {
  now?: () => number
  /** first retry delay after a failure that may pass; it doubles up to `retryMaxMs` */
  retryBaseMs?: number
  retryMaxMs?: number
  /** the message went out (and is filed); its draft and outbox entry are gone */
  onSent?: (draft: DraftRow, outcome: SendOutcome) => void
  /** the server refused it for good; the draft is kept for the user to correct */
  onFailed?: (draft: DraftRow, problem: SendProblem) => void
}

/**
 * Sends what the user sent (DESIGN.md flow 3): one message at a time, each when its time has come
 * (the undo window's end, or the time chosen for "send later"), whatever happened in between — a
 * reload, a restart, a night offline. Failures that may pass (offline, a 4xx) wait with exponential
 * backoff, or only until the account is reachable again; a refusal marks the message failed and
 * keeps its draft. Main's journal makes every retry of one Message-ID safe: it never sends twice.
 */
export class Outbox {
  private readonly now: () => number
  private readonly retryBaseMs: number
  private readonly retryMaxMs: number
  private running = false
  private started = false
  private wake: (() => void) | null = null
  private kicked = false
  private stopController = new AbortController()

  constructor(
    private readonly db: ComposeDatabase,
    private readonly client: Client,
    private readonly options: OutboxOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.retryBaseMs = options.retryBaseMs ?? 2_000
    this.retryMaxMs = options.retryMaxMs ?? 10 * 60_000
  }

  /** Starts sending, beginning with what a previous session left (a send cut off by a reload is tried again). */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.stopController = new AbortController()
    await this.db.outbox.where('messageId').above('').modify((row) => {
      if (row.state === 'sending') row.state = 'waiting'
    })
    this.kick()
  }

  stop(): void {
    this.started = false
    this.stopController.abort()
    this.wake?.()
  }

  /** Puts the draft in the outbox, to go at `sendAt`. */
  async queue(draft: Pick<DraftRow, 'messageId' | 'accountId'>, sendAt: number, scheduled: boolean): Promise<void> {
    const row: OutboxRow = {
      messageId: draft.messageId,
      accountId: draft.accountId,
      state: 'waiting',
      sendAt,
      scheduled: scheduled ? 1 : 0,
      attempts: 0,
      nextAttemptAt: 0,
      problem: null,
      queuedAt: this.now(),
    }
    await this.db.outbox.put(row)
    this.kick()
  }

  /**
   * Takes the message back before it goes (undo send, edit a scheduled or failed one). False when it
   * is too late: main has it, or it has gone.
   */
  async takeBack(messageId: string): Promise<boolean> {
    return await this.db.transaction('rw', this.db.outbox, async () => {
      const row = await this.db.outbox.get(messageId)
      if (!row || row.state === 'sending' || row.state === 'filing') return false
      await this.db.outbox.delete(messageId)
      return true
    })
  }

  /** Sends a waiting message now rather than at its time. */
  async sendNow(messageId: string): Promise<void> {
    await this.db.outbox.update(messageId, { sendAt: this.now(), nextAttemptAt: 0 })
    this.kick()
  }

  /** The connection is back (or the account online again): try what waits for it now, not at the end of its backoff. */
  async retryNow(accountId?: AccountId): Promise<void> {
    await this.db.outbox
      .filter((row) => (accountId === undefined || row.accountId === accountId) && (row.state === 'waiting' || row.state === 'filing') && row.attempts > 0)
      .modify({ nextAttemptAt: 0 })
    this.kick()
  }

  kick(): void {
    if (!this.started) return
    this.kicked = true
    if (this.running) return this.wake?.()
    this.running = true
    this.run(this.stopController.signal).catch((error: unknown) => {
      this.running = false
      console.error('Quire stopped sending mail:', error)
    })
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.kicked = false
      const rows = await this.db.outbox.toArray()
      const due = (row: OutboxRow) => Math.max(row.sendAt, row.nextAttemptAt)
      const candidates = rows.filter((row) => row.state === 'waiting' || row.state === 'filing').sort((a, b) => due(a) - due(b) || a.queuedAt - b.queuedAt)
      const next = candidates[0]
      if (signal.aborted) return
      if (!next) {
        if (this.kicked) continue
        this.running = false
        return
      }
      const wait = due(next) - this.now()
      if (wait > 0) {
        await this.pause(wait)
        continue
      }
      await this.send(next, signal)
    }
    this.running = false
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // timers beyond 2^31 ms fire at once; a far "send later" is looked at again daily
      const timer = setTimeout(() => done(), Math.min(ms, 86_400_000))
      const done = () => {
        clearTimeout(timer)
        this.wake = null
        resolve()
      }
      this.wake = done
    })
  }

  private async send(row: OutboxRow, signal: AbortSignal): Promise<void> {
    const { db } = this
    const claimed = await db.transaction('rw', [db.outbox, db.drafts, db.attachments], async () => {
      const current = await db.outbox.get(row.messageId)
      if (!current || (current.state !== 'waiting' && current.state !== 'filing')) return null
      const draft = await db.drafts.get(row.messageId)
      if (!draft) {
        // nothing left to send (discarded elsewhere)
        await db.outbox.delete(row.messageId)
        return null
      }
      const attachments = await db.attachments.where('messageId').equals(row.messageId).toArray()
      await db.outbox.update(row.messageId, { state: 'sending' })
      return { draft, attachments, wasFiling: current.state === 'filing' }
    })
    if (!claimed) return
    const { draft, attachments } = claimed
    let outcome: SendOutcome
    try {
      outcome = await this.client.call('compose.send', { accountId: draft.accountId, draft: wireDraft(draft, attachments) })
    } catch (error) {
      if (signal.aborted) {
        await db.outbox.update(row.messageId, { state: claimed.wasFiling ? 'filing' : 'waiting' })
        return
      }
      await this.failed(row, draft, error)
      return
    }
    await db.transaction('rw', [db.outbox, db.drafts, db.attachments], async () => {
      await db.outbox.delete(row.messageId)
      await db.drafts.delete(row.messageId)
      await db.attachments.where('messageId').equals(row.messageId).delete()
    })
    this.options.onSent?.(draft, outcome)
  }

  private async failed(row: OutboxRow, draft: DraftRow, error: unknown): Promise<void> {
    const problem = problemOf(error)
    const attempts = row.attempts + 1
    const submitted = error instanceof RpcError && error.details?.submitted === true
    if (submitted || (error instanceof RpcError && error.retryable) || !(error instanceof RpcError)) {
      const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** Math.min(attempts - 1, 20))
      await this.db.outbox.update(row.messageId, { state: submitted ? 'filing' : 'waiting', attempts, nextAttemptAt: this.now() + delay, problem })
      return
    }
    await this.db.outbox.update(row.messageId, { state: 'failed', attempts, problem })
    this.options.onFailed?.(draft, problem)
  }
}

function problemOf(error: unknown): SendProblem {
  if (error instanceof RpcError) {
    const refused = Array.isArray(error.details?.refused) ? (error.details.refused as RefusedRecipient[]) : []
    return { code: error.code, message: error.message, refused }
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), refused: [] }
}
