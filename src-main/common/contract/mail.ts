import { z } from 'zod'
import { AccountId } from '../domain/account'
import { Folder, FolderCursor, FolderDelta, MailTask, MessageBody, SyncState } from '../domain/mail'
import { event, procedure } from './define'

const Path = z.string().min(1).max(1000)
const ErrorShapeSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), details: z.record(z.string(), z.unknown()).optional() })

export const mailContract = {
  /** The folder tree with roles, subscription and counts. */
  'mail.folders': procedure({ input: z.object({ accountId: AccountId }).strict(), output: z.array(Folder) }),
  /**
   * New messages (newest first), flag changes and expunges since `cursor`, in batches of
   * at most `limit`; `more` asks for another call. No cursor: start from the newest messages.
   */
  'mail.sync': procedure({
    input: z.object({ accountId: AccountId, path: Path, cursor: FolderCursor.nullable(), limit: z.number().int().min(1).max(5000).default(500) }).strict(),
    output: FolderDelta,
  }),
  /** Older headers below `cursor.oldestUid`, newest first, back to `since` (ms) if given. */
  'mail.backfill': procedure({
    input: z.object({ accountId: AccountId, path: Path, cursor: FolderCursor, limit: z.number().int().min(1).max(5000).default(1000), since: z.number().nullable().default(null) }).strict(),
    output: FolderDelta,
  }),
  'mail.body': procedure({ input: z.object({ accountId: AccountId, path: Path, uid: z.number().int().positive() }).strict(), output: MessageBody }),
  'mail.attachment': procedure({
    input: z.object({ accountId: AccountId, path: Path, uid: z.number().int().positive(), partId: z.string().max(100) }).strict(),
    output: z.object({ filename: z.string(), contentType: z.string(), base64: z.string() }),
  }),
  /** Replays one user change on the server. Retryable errors keep the task; others revert it. */
  'mail.apply': procedure({ input: z.object({ accountId: AccountId, task: MailTask }).strict(), output: z.object({}) }),
  /** Something changed on the server: the store syncs that folder. */
  'mail.changed': event({
    input: z.object({}).strict(),
    payload: z.object({ accountId: AccountId, path: Path, reason: z.enum(['exists', 'expunge', 'flags', 'poll', 'reconnect', 'folders', 'notify']) }),
  }),
  /** Connection state per account, with per-folder errors (a folder that cannot be opened does not stop the others). */
  'mail.status': event({
    input: z.object({}).strict(),
    payload: z.object({
      accountId: AccountId,
      state: SyncState,
      error: ErrorShapeSchema.nullable(),
      folderErrors: z.array(z.object({ path: z.string(), error: ErrorShapeSchema })),
      nextPollAt: z.number().nullable(),
      /**
       * How changes reach Quire, for the settings to show: `notify`, the server pushes changes of every
       * folder (RFC 5465 NOTIFY, no polling); `idle-poll`, IDLE on INBOX and the other folders checked
       * every `pollSeconds`; `poll`, every folder checked (one connection allowed, so no listener).
       */
      watch: z.object({ mode: z.enum(['notify', 'idle-poll', 'poll']), pollSeconds: z.number() }),
    }),
  }),
}
