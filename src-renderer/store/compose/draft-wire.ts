import type { DraftInput } from '../../../src-main/common/domain/compose'
import type { AttachmentRow, DraftRow, Recipient } from './compose-database'

/**
 * RFC 5322 §3.6.4 msg-id, made when the draft is: random left part, the sender's domain on the
 * right (RFC 5322 says the right part should name the host or domain that made it).
 */
export function newMessageId(fromAddress: string, random: () => string = () => crypto.randomUUID()): string {
  const domain = (fromAddress.split('@')[1] ?? '').toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'quire.invalid'
  return `<${random()}@${domain}>`
}

const mailbox = (recipient: Recipient) => ({ name: recipient.name, address: recipient.email })

/** The draft as main takes it (`compose.saveDraft`, `compose.send`): everything, attachments included. */
export function wireDraft(draft: DraftRow, attachments: readonly AttachmentRow[]): DraftInput {
  return {
    messageId: draft.messageId,
    from: draft.from,
    replyTo: draft.replyTo.map(mailbox),
    to: draft.to.map(mailbox),
    cc: draft.cc.map(mailbox),
    bcc: draft.bcc.map(mailbox),
    subject: draft.subject,
    html: draft.mode === 'rich' ? draft.html : null,
    text: draft.mode === 'plain' ? draft.text : '',
    attachments: attachments.map(({ filename, contentType, base64 }) => ({ filename, contentType, base64 })),
    inReplyTo: draft.inReplyTo,
    references: draft.references,
    ...(draft.sign !== undefined ? { sign: draft.sign } : {}),
    ...(draft.encrypt !== undefined ? { encrypt: draft.encrypt } : {}),
  }
}

/** Bytes as people read them: 812 B, 14 kB, 3.2 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`
}
