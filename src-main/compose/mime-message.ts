import type { Draft, Mailbox } from '../common/domain/compose'
import { productName, version } from '../../package.json'
import { extractInlineImages } from './inline-images'
import { plainTextOf } from './plain-text-alternative'

/** RFC 9110 §10.1.5 product token; mail clients have long sent it as User-Agent (RFC 2076 §3.4). */
export const USER_AGENT = `${productName}/${version}`

export interface BuiltMessage {
  /** what goes to the submission server: no Bcc header (RFC 5322 §3.6.3) */
  submission: Buffer
  /** what is filed in Sent and Drafts: the same message with Bcc kept, so the sender sees whom they told */
  copy: Buffer
  /** RFC 5321 envelope: every recipient once, Bcc included */
  envelope: { from: string; to: string[] }
}

/**
 * The message of a draft, built by nodemailer's MailComposer: UTF-8 throughout, headers encoded
 * per RFC 2047 and filenames per RFC 2231, HTML with a generated text/plain alternative
 * (multipart/alternative), inline images as multipart/related parts with cid: references, and
 * the draft's own Message-ID — never a fresh one, so every attempt builds the same message.
 */
export async function buildMessage(draft: Draft, { date }: { date: Date }): Promise<BuiltMessage> {
  // nodemailer is loaded by the first message built, not at start (see smtp-submission.ts)
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer')
  const inline = draft.html === null ? null : extractInlineImages(draft.html, draft.messageId)
  const composer = (keepBcc: boolean) => {
    const node = new MailComposer({
      from: mailbox(draft.from),
      ...(draft.replyTo.length ? { replyTo: draft.replyTo.map(mailbox) } : {}),
      ...(draft.to.length ? { to: draft.to.map(mailbox) } : {}),
      ...(draft.cc.length ? { cc: draft.cc.map(mailbox) } : {}),
      ...(draft.bcc.length ? { bcc: draft.bcc.map(mailbox) } : {}),
      subject: draft.subject,
      messageId: draft.messageId,
      date,
      ...(draft.inReplyTo ? { inReplyTo: draft.inReplyTo } : {}),
      ...(draft.references.length ? { references: draft.references } : {}),
      headers: { 'User-Agent': USER_AGENT },
      // RFC 6047 §2.4: text/calendar with the method parameter, plus the same object as invite.ics
      ...(draft.calendar ? { icalEvent: { method: draft.calendar.method, content: draft.calendar.data, filename: 'invite.ics' } } : {}),
      text: inline ? plainTextOf(inline.html) : draft.text,
      ...(inline ? { html: inline.html } : {}),
      attachments: [
        ...(inline?.images ?? []).map((image) => ({ cid: image.cid, filename: image.filename, contentType: image.contentType, content: image.content })),
        ...draft.attachments.map((attachment) => ({
          filename: attachment.filename,
          contentType: attachment.contentType,
          content: Buffer.from(attachment.base64, 'base64'),
          // a forwarded message is an attachment the reader offers to open, not a part shown inline
          ...(attachment.contentType.toLowerCase() === 'message/rfc822' ? { contentDisposition: 'attachment' } : {}),
        })),
      ],
      // the draft is all there is: nothing may be read from a path or a URL it names
      disableFileAccess: true,
      disableUrlAccess: true,
      newline: 'windows',
    }).compile()
    node.keepBcc = keepBcc
    return node.build()
  }
  const [submission, copy] = await Promise.all([composer(false), composer(true)])
  return { submission, copy, envelope: { from: draft.from.address, to: envelopeRecipients(draft) } }
}

/** To, Cc and Bcc, each address once (compared without case: no server delivers twice for a different spelling). */
export function envelopeRecipients(draft: Pick<Draft, 'to' | 'cc' | 'bcc'>): string[] {
  const seen = new Set<string>()
  const recipients: string[] = []
  for (const { address } of [...draft.to, ...draft.cc, ...draft.bcc]) {
    const key = address.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    recipients.push(address)
  }
  return recipients
}

function mailbox({ name, address }: Mailbox): { name: string; address: string } {
  return { name: name.trim(), address }
}
