import { z } from 'zod'
import { AccountId } from '../common/domain/account'
import { SentCopy } from '../common/domain/compose'
import { readFileIfExists, writeFileAtomic } from '../accounts/atomic-file'

/**
 * How far one message got: `submitting` (an attempt began: the server may or may not have it),
 * `accepted` (the server took it: it must never be submitted again), `filed` (the Sent copy is
 * there), `done` (the draft is gone too; kept a while to answer a late retry).
 */
export const SubmissionState = z.enum(['submitting', 'accepted', 'filed', 'done'])
export type SubmissionState = z.infer<typeof SubmissionState>

const JournalEntry = z.object({
  accountId: AccountId,
  state: SubmissionState,
  /** the Date header, fixed by the first attempt so that every attempt builds the same message */
  date: z.number(),
  accepted: z.array(z.string()),
  response: z.string().nullable(),
  sentCopy: SentCopy.nullable(),
  sentPath: z.string().nullable(),
  updatedAt: z.number(),
})
export type JournalEntry = z.infer<typeof JournalEntry>

const JournalFile = z.object({
  version: z.literal(1),
  entries: z.record(z.string(), JournalEntry),
  /** accounts whose server files a copy in Sent by itself (learned from a send) */
  serverFilesSent: z.array(AccountId),
})
type JournalFile = z.infer<typeof JournalFile>

/** A finished entry answers a retry for this long; then it is forgotten. */
const DONE_KEPT_MS = 30 * 86_400_000

/**
 * The outbox's memory in main's data dir, keyed by Message-ID: every change of state is on disk
 * (written atomically and fsynced) before the step it allows, so a crash at any point leaves a
 * record that tells the next attempt what not to repeat. Writes are serialised.
 */
export class OutboxJournal {
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private data: JournalFile,
    private readonly now: () => number,
  ) {}

  static async open(file: string, now: () => number = Date.now): Promise<OutboxJournal> {
    const raw = await readFileIfExists(file)
    let data: JournalFile = { version: 1, entries: {}, serverFilesSent: [] }
    if (raw) {
      const parsed = JournalFile.safeParse(JSON.parse(raw.toString('utf8')))
      // a journal this version cannot read must not be overwritten: it may be all that prevents a double send
      if (!parsed.success) throw new Error(`The outbox journal ${file} is not readable; move it away to start a new one.`)
      data = parsed.data
    }
    const cutoff = now() - DONE_KEPT_MS
    for (const [id, entry] of Object.entries(data.entries)) if (entry.state === 'done' && entry.updatedAt < cutoff) delete data.entries[id]
    return new OutboxJournal(file, data, now)
  }

  get(messageId: string): JournalEntry | undefined {
    return this.data.entries[messageId]
  }

  /** Stores the entry and resolves once it is durable. */
  async record(messageId: string, entry: Omit<JournalEntry, 'updatedAt'>): Promise<JournalEntry> {
    const stored = { ...entry, updatedAt: this.now() }
    this.data.entries[messageId] = stored
    await this.persist()
    return stored
  }

  async forget(messageId: string): Promise<void> {
    if (!(messageId in this.data.entries)) return
    delete this.data.entries[messageId]
    await this.persist()
  }

  serverFilesSent(accountId: AccountId): boolean {
    return this.data.serverFilesSent.includes(accountId)
  }

  async learnServerFilesSent(accountId: AccountId): Promise<void> {
    if (this.serverFilesSent(accountId)) return
    this.data.serverFilesSent.push(accountId)
    await this.persist()
  }

  private persist(): Promise<void> {
    const snapshot = JSON.stringify(this.data)
    const next = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.file, snapshot))
    this.writing = next
    return next
  }
}
