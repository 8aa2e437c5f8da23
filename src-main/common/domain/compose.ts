import { z } from 'zod'

/**
 * RFC 5322 §3.6.4 msg-id, angle brackets included. A draft gets its Message-ID when it is created
 * and keeps it through every save and every send attempt: that is what makes a retry idempotent.
 */
export const MessageId = z
  .string()
  .max(250)
  .regex(/^<[^<>\s@"]+@[^<>\s@"]+>$/, 'A Message-ID looks like <id@host>')
export type MessageId = z.infer<typeof MessageId>

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; the check is loose on purpose (the server decides). */
export const EmailAddress = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s<>@",;]+@[^\s<>@",;]+$/, 'Not an email address')

export const Mailbox = z.object({ name: z.string().max(200), address: EmailAddress })
export type Mailbox = z.infer<typeof Mailbox>

/** A file that goes with the message; its bytes travel with the draft (base64), so nothing refers to a message that may move. */
export const DraftAttachment = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(3).max(200),
  base64: z.string(),
})
export type DraftAttachment = z.infer<typeof DraftAttachment>

/**
 * Everything main needs to build the message. `html` is the editor's (sanitised) markup, with
 * inline images as data: URLs; main turns them into multipart/related parts referenced by cid:
 * and generates the plain-text alternative. In plain-text mode `html` is null and `text` is the body.
 */
export const Draft = z.object({
  messageId: MessageId,
  from: Mailbox,
  replyTo: z.array(Mailbox).max(20).default([]),
  to: z.array(Mailbox).max(1000).default([]),
  cc: z.array(Mailbox).max(1000).default([]),
  bcc: z.array(Mailbox).max(1000).default([]),
  subject: z.string().max(4000),
  html: z.string().nullable(),
  text: z.string().default(''),
  attachments: z.array(DraftAttachment).max(200).default([]),
  /** RFC 5322 §3.6.4: the message this answers, and the thread's References (oldest first) */
  inReplyTo: MessageId.nullable().default(null),
  references: z.array(MessageId).max(200).default([]),
  /**
   * S/MIME (RFC 8551): sign and/or encrypt what is sent; absent, the identity's defaults
   * (`signByDefault`, `encryptByDefault`) apply. Encrypting never silently downgrades: a recipient
   * without a certificate makes `compose.send` fail with SMIME_RECIPIENT_CERTIFICATE_MISSING.
   */
  sign: z.boolean().optional(),
  encrypt: z.boolean().optional(),
  /**
   * RFC 6047 iMIP: an iTIP object (RFC 5546) sent as a `text/calendar; method=…` alternative of the
   * body, and again as an invite.ics attachment, as most calendar clients send and expect.
   */
  calendar: z.lazy(() => ItipPart).optional(),
})
export type Draft = z.infer<typeof Draft>

/** RFC 5546 §1.4 methods Quire sends. */
export const ItipMethod = z.enum(['REQUEST', 'REPLY', 'CANCEL'])
export type ItipMethod = z.infer<typeof ItipMethod>

/** An iTIP object for a message: its METHOD must be the one named, and it must be a VCALENDAR. */
export const ItipPart = z
  .object({ method: ItipMethod, data: z.string().min(20).max(2 * 1024 * 1024) })
  .refine((part) => /^BEGIN:VCALENDAR\r?$/m.test(part.data) && new RegExp(`^METHOD:${part.method}\\r?$`, 'm').test(part.data), 'The iCalendar object must be a VCALENDAR whose METHOD is the one named.')
export type ItipPart = z.infer<typeof ItipPart>
export type DraftInput = z.input<typeof Draft>

/** Where a Sent copy came from: Quire appended it, the server filed it itself (Gmail, Exchange …), or it was there from an earlier attempt. */
export const SentCopy = z.enum(['appended', 'server', 'earlier'])

export const SendOutcome = z.object({
  messageId: MessageId,
  /** the recipients the server accepted */
  accepted: z.array(z.string()),
  /** the Date header of what went out (ms since the epoch) */
  date: z.number(),
  sentCopy: SentCopy,
  sentPath: z.string(),
})
export type SendOutcome = z.infer<typeof SendOutcome>

/** One recipient the submission server refused, in its own words (RFC 5321 §4.2 reply). */
export const RefusedRecipient = z.object({ address: z.string(), code: z.number().int().nullable(), response: z.string() })
export type RefusedRecipient = z.infer<typeof RefusedRecipient>
