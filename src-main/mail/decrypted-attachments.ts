import type { ImapFlow } from 'imapflow'
import type { ParsedMail } from 'mailparser'
import { QuireError } from '../common/contract'
import type { Attachment } from '../common/domain/mail'
import type { SmimeService } from '../smime'
import { parseMessage } from './mime-parser'

/**
 * Parts inside an encrypted (or opaque-signed) S/MIME message have no part number on the server:
 * the server holds one application/pkcs7-mime blob. Their ids say so — `smime:` and the part
 * number inside the decrypted message (RFC 3501 §6.4.5 numbering) — and downloading one decrypts
 * the message again in main, so neither the keys nor the whole plain text ever leave it.
 */
export const DECRYPTED_PART_PREFIX = 'smime:'

export function isDecryptedPartId(partId: string): boolean {
  return partId.startsWith(DECRYPTED_PART_PREFIX)
}

/** The attachments mailparser found in a decrypted message, with ids `mail.attachment` can fetch them by. */
export function decryptedAttachmentsOf(parsed: ParsedMail): Attachment[] {
  return parsed.attachments.map((attachment, index) => {
    const contentId = attachment.cid ?? attachment.contentId?.replace(/^<|>$/g, '') ?? null
    const part = attachment.partId ?? '1'
    return {
      partId: `${DECRYPTED_PART_PREFIX}${part}`,
      filename: attachment.filename ?? `part-${part || index + 1}`,
      contentType: attachment.contentType.toLowerCase(),
      size: attachment.size,
      contentId,
      inline: attachment.contentDisposition?.toLowerCase() === 'inline' || (attachment.related === true && contentId !== null && attachment.contentDisposition?.toLowerCase() !== 'attachment'),
    }
  })
}

/**
 * One attachment of the S/MIME message `uid` in the open folder: fetched, decrypted with my keys,
 * parsed, and only that part returned. Nothing is written anywhere: the bytes go to the caller
 * (the user's save) and are gone, whether or not decrypted bodies may be cached.
 */
export async function downloadDecryptedAttachment(
  client: ImapFlow,
  uid: number,
  partId: string,
  maxBytes: number,
  smime: Pick<SmimeService, 'read'> | undefined,
): Promise<{ filename: string; contentType: string; base64: string }> {
  const part = partId.slice(DECRYPTED_PART_PREFIX.length)
  if (!/^\d+(\.\d+)*$/.test(part)) throw new QuireError('BAD_INPUT', { message: `“${partId}” is not a MIME part number.` })
  if (!smime) throw new QuireError('INTERNAL', { message: 'S/MIME is not available here.' })
  const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true })
  if (!message || !message.source) {
    throw new QuireError('NOT_FOUND', { message: 'This message is no longer on the server; it may have been moved or deleted elsewhere.', details: { uid, partId } })
  }
  const opened = await smime.read(message.source)
  if (!opened?.message) {
    throw new QuireError('SMIME_NO_PRIVATE_KEY', {
      message: 'This attachment is inside an encrypted message that none of your certificates can open. Import the certificate (.p12) it was encrypted to.',
      details: { uid, partId },
    })
  }
  const parsed = await parseMessage(opened.message, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true })
  const wanted = parsed.attachments.find((attachment) => (attachment.partId ?? '1') === part)
  if (!wanted) throw new QuireError('NOT_FOUND', { message: 'The decrypted message has no such attachment.', details: { uid, partId } })
  if (wanted.size > maxBytes) {
    throw new QuireError('PAYLOAD_TOO_LARGE', {
      message: `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, more than Quire can open at once.`,
      details: { uid, partId, maxBytes },
    })
  }
  return { filename: wanted.filename ?? `part-${part}`, contentType: wanted.contentType.toLowerCase(), base64: wanted.content.toString('base64') }
}
