import type { EventPayload } from '../common/contract'

export type MailChanged = EventPayload<'mail.changed'>
export type MailStatus = EventPayload<'mail.status'>

/** How much a reason asks the store to look at: a reconnect may have missed anything. */
const BREADTH: Record<MailChanged['reason'], number> = { exists: 0, expunge: 0, flags: 0, poll: 0, notify: 0, folders: 1, reconnect: 2 }

/**
 * The engine's two event streams, fanned out to every subscriber. `mail.changed` for one folder is
 * sent once per `coalesceMs`: a burst (a thousand EXPUNGEs, a mail storm) asks for one sync, not a thousand.
 */
export class MailEvents {
  private readonly changedListeners = new Set<(payload: MailChanged) => void>()
  private readonly statusListeners = new Set<(payload: MailStatus) => void>()
  private readonly pending = new Map<string, { payload: MailChanged; timer: NodeJS.Timeout }>()

  constructor(private readonly coalesceMs: number) {}

  onChanged(listener: (payload: MailChanged) => void): () => void {
    this.changedListeners.add(listener)
    return () => this.changedListeners.delete(listener)
  }

  onStatus(listener: (payload: MailStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  changed(payload: MailChanged): void {
    const key = `${payload.accountId}\n${payload.path}`
    const pending = this.pending.get(key)
    if (pending) {
      // the broader reason wins: after a reconnect the store checks more than one folder
      if (BREADTH[payload.reason] > BREADTH[pending.payload.reason]) pending.payload = payload
      return
    }
    const entry = {
      payload,
      timer: setTimeout(() => {
        this.pending.delete(key)
        for (const listener of this.changedListeners) listener(entry.payload)
      }, this.coalesceMs),
    }
    entry.timer.unref()
    this.pending.set(key, entry)
  }

  status(payload: MailStatus): void {
    for (const listener of this.statusListeners) listener(payload)
  }

  close(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer)
    this.pending.clear()
    this.changedListeners.clear()
    this.statusListeners.clear()
  }
}
