import { z } from 'zod'
import { SmimeStatus } from './smime'

/** RFC 6154 SPECIAL-USE roles (plus INBOX), lower-case without the backslash. */
export const SpecialUse = z.enum(['inbox', 'drafts', 'sent', 'trash', 'junk', 'archive', 'all', 'flagged'])
export type SpecialUse = z.infer<typeof SpecialUse>

export const Folder = z.object({
  path: z.string(),
  name: z.string(),
  delimiter: z.string().nullable(),
  parentPath: z.string().nullable(),
  specialUse: SpecialUse.nullable(),
  subscribed: z.boolean(),
  /** \Noselect / \NonExistent: a node in the tree that holds no messages */
  selectable: z.boolean(),
  total: z.number().int().nullable(),
  unseen: z.number().int().nullable(),
})
export type Folder = z.infer<typeof Folder>

export const Address = z.object({ name: z.string(), address: z.string() })
export type Address = z.infer<typeof Address>

/** Everything the list, threads and search need, fetched without the body. */
export const MessageHeader = z.object({
  uid: z.number().int().positive(),
  /** RFC 7162 MODSEQ as a decimal string (it may exceed 2^53) */
  modseq: z.string().nullable(),
  flags: z.array(z.string()),
  internalDate: z.number(),
  date: z.number().nullable(),
  size: z.number().int(),
  subject: z.string(),
  from: z.array(Address),
  to: z.array(Address),
  cc: z.array(Address),
  bcc: z.array(Address),
  replyTo: z.array(Address),
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  /** RFC 5322 References, oldest first, angle brackets kept */
  references: z.array(z.string()),
  listUnsubscribe: z.string().nullable(),
  /** X-Spam-Flag: YES or X-Spam-Status: Yes… set by the server's filter */
  spam: z.boolean(),
  hasAttachments: z.boolean(),
  snippet: z.string(),
  /** S/MIME encrypted (RFC 8551 §3.3): its body is searchable only once decrypted and cached */
  encrypted: z.boolean().optional(),
})
export type MessageHeader = z.infer<typeof MessageHeader>

/**
 * Where a folder's cache stands (RFC 3501 UIDVALIDITY/UIDNEXT, RFC 7162 HIGHESTMODSEQ),
 * plus how far back headers have been fetched. Stored with the data it covers.
 */
export const FolderCursor = z.object({
  uidValidity: z.string(),
  uidNext: z.number().int(),
  highestModseq: z.string().nullable(),
  /** lowest UID whose header is cached; backfill continues below it */
  oldestUid: z.number().int(),
  /** true once every message the sync window asks for is cached */
  backfillDone: z.boolean(),
  /**
   * New messages arrive newest first in batches, so a `more: true` batch leaves the older new ones
   * for the next call: their UIDs lie in from..to (inclusive). Absent when nothing is left.
   */
  unfetched: z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).optional(),
})
export type FolderCursor = z.infer<typeof FolderCursor>

export const FlagChange = z.object({ uid: z.number().int().positive(), flags: z.array(z.string()), modseq: z.string().nullable() })
export type FlagChange = z.infer<typeof FlagChange>

/** One batch of changes to a folder; the store writes it and `cursor` in one transaction. */
export const FolderDelta = z.object({
  /** UIDVALIDITY changed (or no cursor was given): drop the folder's cache before applying */
  reset: z.boolean(),
  added: z.array(MessageHeader),
  changed: z.array(FlagChange),
  vanished: z.array(z.number().int().positive()),
  /** without CONDSTORE the server can only tell which UIDs exist: cached UIDs not listed here are gone */
  existingUids: z.array(z.number().int().positive()).nullable(),
  cursor: FolderCursor,
  /** more new messages are waiting: call again with the new cursor */
  more: z.boolean(),
})
export type FolderDelta = z.infer<typeof FolderDelta>

export const Attachment = z.object({
  /** the IMAP part number (RFC 3501 §6.4.5), or `smime:<part>` for a part inside an encrypted S/MIME message, which main decrypts again to download */
  partId: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  contentId: z.string().nullable(),
  inline: z.boolean(),
})
export type Attachment = z.infer<typeof Attachment>

export const MessageBody = z.object({
  uid: z.number().int().positive(),
  html: z.string().nullable(),
  text: z.string().nullable(),
  attachments: z.array(Attachment),
  /** inline images referenced by cid:, as data for the sandboxed reader */
  inlineImages: z.array(z.object({ contentId: z.string(), contentType: z.string(), base64: z.string() })),
  /**
   * RFC 6047 iMIP: the message's iCalendar object (its text/calendar part, else an attached .ics
   * that names a METHOD), for the reader's invitation card; `method` from the part's parameter or
   * the object's METHOD property.
   */
  calendar: z.object({ method: z.string().max(40).nullable(), data: z.string().max(2 * 1024 * 1024) }).nullable().optional(),
  /** an S/MIME message: what the reader's badge shows (the body above is the decrypted, verified content) */
  smime: SmimeStatus.nullable().optional(),
  /** decrypted content that must not be kept in the local cache (Settings → Security: caching decrypted mail is off) */
  doNotCache: z.boolean().optional(),
})
export type MessageBody = z.infer<typeof MessageBody>

/** A change the user made; the store applies it optimistically and main replays it on the server. */
export const MailTask = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('flags'),
    path: z.string(),
    uids: z.array(z.number().int().positive()).min(1),
    add: z.array(z.string()).default([]),
    remove: z.array(z.string()).default([]),
  }),
  z.object({ kind: z.literal('move'), path: z.string(), uids: z.array(z.number().int().positive()).min(1), to: z.string() }),
  z.object({ kind: z.literal('copy'), path: z.string(), uids: z.array(z.number().int().positive()).min(1), to: z.string() }),
  /** permanent: \Deleted + UID EXPUNGE (RFC 4315) of exactly these UIDs */
  z.object({ kind: z.literal('expunge'), path: z.string(), uids: z.array(z.number().int().positive()).min(1) }),
])
export type MailTask = z.infer<typeof MailTask>

export const SyncState = z.enum(['connecting', 'online', 'offline', 'error'])
