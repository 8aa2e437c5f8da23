import type { ImapFlow } from 'imapflow'
import { QuireError } from '../common/contract'

/**
 * One body part of message `uid` in the open folder, decoded from its transfer encoding
 * (imapflow's download reads BODY[part] and decodes it as it streams).
 */
export async function downloadAttachment(
  client: ImapFlow,
  uid: number,
  partId: string,
  maxBytes: number,
): Promise<{ filename: string; contentType: string; base64: string }> {
  // RFC 3501 §6.4.5 section-part: dot-separated numbers
  if (!/^\d+(\.\d+)*$/.test(partId)) throw new QuireError('BAD_INPUT', { message: `“${partId}” is not a MIME part number.` })
  // decodeText: false saves a text part as the file it is, in its own charset
  const download = await client.download(String(uid), partId, { uid: true, decodeText: false })
  if (!('content' in download) || !download.content) {
    throw new QuireError('NOT_FOUND', { message: 'This attachment is no longer on the server; the message may have been moved or deleted elsewhere.', details: { uid, partId } })
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of download.content as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) {
      download.content.destroy()
      throw new QuireError('PAYLOAD_TOO_LARGE', {
        message: `The attachment is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, more than Quire can open at once.`,
        details: { uid, partId, maxBytes },
      })
    }
    chunks.push(chunk)
  }
  return {
    filename: download.meta.filename ?? `part-${partId}`,
    contentType: download.meta.contentType ?? 'application/octet-stream',
    base64: Buffer.concat(chunks).toString('base64'),
  }
}
