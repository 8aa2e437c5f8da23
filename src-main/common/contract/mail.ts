import { z } from 'zod'
import { AccountId } from '../domain/account'
import { Folder, FolderCursor, FolderDelta, MailTask, MessageBody, MessageHeader, SyncState } from '../domain/mail'
import { event, procedure } from './define'

const Path = z.string().min(1).max(1000)
/** A calendar day as IMAP SEARCH takes it (RFC 3501 §6.4.4 BEFORE/SINCE compare dates, not times). */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const SearchValues = z.array(z.string().min(1).max(200)).max(20)
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
  /**
   * RFC 3501 §6.4.4 UID SEARCH on the server, for folders the cache does not hold (or holds only
   * since a day: `before` then limits that folder to older mail). Each word must appear in the
   * message (TEXT); from:, to:, subject: as FROM, TO, SUBJECT. has:attachment has no portable
   * SEARCH key: the caller checks `hasAttachments` of what comes back. At most `limit` messages,
   * newest first; `total` counts every match. A folder the server refuses is listed in `failed`.
   */
  'mail.searchServer': procedure({
    input: z
      .object({
        accountId: AccountId,
        folders: z.array(z.object({ path: Path, before: Day.nullable() }).strict()).min(1).max(500),
        criteria: z
          .object({
            words: SearchValues,
            from: SearchValues,
            to: SearchValues,
            subject: SearchValues,
            unread: z.boolean().nullable(),
            flagged: z.boolean().nullable(),
            before: Day.nullable(),
            since: Day.nullable(),
          })
          .strict(),
        limit: z.number().int().min(1).max(500).default(200),
      })
      .strict(),
    output: z.object({
      messages: z.array(MessageHeader.extend({ path: Path })),
      total: z.number().int(),
      failed: z.array(z.object({ path: z.string(), error: ErrorShapeSchema })),
    }),
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
      watch: z.object({ mode: z.enum(['notify', 'idle-poll', 'poll']), pollSeconds: z.number() }).optional(),
    }),
  }),
}
