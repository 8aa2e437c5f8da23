import type { FolderCursor, FolderDelta, MessageHeader } from '../../../src-main/common/domain/mail'

/**
 * What the renderer's store keeps of one folder, reduced to the rules of FolderDelta: a reset
 * drops everything, `existingUids` removes what is not listed, `changed` updates cached messages only.
 * Tests compare it with the server.
 */
export class FolderReplica {
  readonly messages = new Map<number, MessageHeader>()
  cursor: FolderCursor | null = null
  /** UIDs that arrived in `added` more than once (a batch must not repeat what an earlier one gave) */
  readonly repeated: number[] = []

  apply(delta: FolderDelta): void {
    if (delta.reset) this.messages.clear()
    if (delta.existingUids) {
      const existing = new Set(delta.existingUids)
      for (const uid of [...this.messages.keys()]) if (!existing.has(uid)) this.messages.delete(uid)
    }
    for (const uid of delta.vanished) this.messages.delete(uid)
    for (const header of delta.added) {
      if (this.messages.has(header.uid) && !delta.reset) this.repeated.push(header.uid)
      this.messages.set(header.uid, header)
    }
    for (const change of delta.changed) {
      const cached = this.messages.get(change.uid)
      if (cached) this.messages.set(change.uid, { ...cached, flags: change.flags, modseq: change.modseq })
    }
    this.cursor = delta.cursor
  }

  uids(): number[] {
    return [...this.messages.keys()].sort((a, b) => a - b)
  }

  /** flags per UID, sorted, for comparing with the server */
  flags(): Record<number, string[]> {
    return Object.fromEntries([...this.messages.values()].map((m) => [m.uid, [...m.flags].sort()]))
  }
}
