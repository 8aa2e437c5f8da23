import { z } from 'zod'
import { AccountId } from '../domain/account'
import { Draft, ItipPart, Mailbox, MessageId, SendOutcome } from '../domain/compose'
import { procedure } from './define'

/** A draft carries its attachments; this bounds one message, well inside the router's per-message limit. */
const MAX_DRAFT_BYTES = 48 * 1024 * 1024

export const composeContract = {
  /**
   * Files the draft in the account's Drafts folder (RFC 6154 \Drafts), replacing every earlier copy
   * with the same Message-ID: APPEND the new one, then delete the old ones by UID. Does nothing once
   * the message has gone out (`saved: false`), so a late autosave cannot bring a sent draft back.
   */
  'compose.saveDraft': procedure({
    input: z.object({ accountId: AccountId, draft: Draft }).strict(),
    output: z.object({ saved: z.boolean(), path: z.string().nullable(), uid: z.number().int().nullable() }),
    maxInputBytes: MAX_DRAFT_BYTES,
  }),
  /** Removes the server's copies of a draft the user discarded. */
  'compose.discardDraft': procedure({
    input: z.object({ accountId: AccountId, messageId: MessageId }).strict(),
    output: z.object({}),
  }),
  /**
   * Sends the draft exactly once: submission over SMTP, the copy in Sent (unless the server filed one),
   * the draft removed from Drafts. Calling it again with the same Message-ID — after a crash, a lost
   * answer, a retry — never submits twice: main's journal and the Sent folder say how far it got.
   * Errors: RECIPIENT_REJECTED (details.refused names each address and the server's reply),
   * MESSAGE_REJECTED, SEND_DEFERRED (4xx, retry), AUTH_FAILED, TLS_*, OFFLINE,
   * SMIME_RECIPIENT_CERTIFICATE_MISSING (`details.addresses`: encrypting, and these have no certificate, not even
   * a trusted one in the directories; `details.offers`: untrusted ones the directories have, for the user to judge),
   * SMIME_NO_SIGNING_CERTIFICATE, SMIME_NO_PRIVATE_KEY (signing, and the identity cannot); `details.submitted`
   * true means the message went out and only the filing is left to a retry.
   */
  'compose.send': procedure({
    input: z.object({ accountId: AccountId, draft: Draft }).strict(),
    output: SendOutcome,
    maxInputBytes: MAX_DRAFT_BYTES,
  }),
  /**
   * Sends an iTIP message by iMIP (RFC 6047): a short human-readable text (and HTML) with the
   * iCalendar object as `text/calendar; method=…` and as invite.ics, through the same exactly-once
   * path as `compose.send` (journal by Message-ID, Sent copy). Errors as `compose.send`.
   */
  'compose.sendItip': procedure({
    input: z
      .object({
        accountId: AccountId,
        messageId: MessageId,
        from: Mailbox,
        to: z.array(Mailbox).min(1).max(1000),
        subject: z.string().max(4000),
        text: z.string().max(100_000),
        html: z.string().max(200_000).nullable(),
        calendar: ItipPart,
      })
      .strict(),
    output: SendOutcome,
    maxInputBytes: 3 * 1024 * 1024,
  }),
  /** The whole message as the server holds it (RFC 822 source), for "forward as attachment". */
  'compose.messageSource': procedure({
    input: z.object({ accountId: AccountId, path: z.string().min(1).max(1000), uid: z.number().int().positive() }).strict(),
    output: z.object({ filename: z.string(), base64: z.string(), size: z.number().int() }),
  }),
}
