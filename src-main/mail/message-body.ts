import type { ImapFlow, MessageStructureObject } from 'imapflow'
import type { ParsedMail } from 'mailparser'
import { QuireError } from '../common/contract'
import type { MessageBody } from '../common/domain/mail'
import { isSmime, type SmimeService } from '../smime'
import { attachmentsOf } from './body-structure'
import { decryptedAttachmentsOf } from './decrypted-attachments'
import { parseMessage } from './mime-parser'

/** What the body fetch needs of S/MIME: opening a message with my keys, and whether its plain text may be cached. */
export type SmimeReader = Pick<SmimeService, 'read' | 'cacheDecrypted'>

const SIGNATURE_PART = /^application\/(x-)?pkcs7-signature$/i

/** Converting very long HTML to text costs seconds of CPU in main; the HTML itself is still returned. */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024
/** What is shown of a message mailparser could not read at all. */
const MAX_RAW_TEXT = 1024 * 1024

/** The message `uid` of the open folder: its source in one FETCH with its BODYSTRUCTURE, then parsed. */
export async function fetchMessageBody(client: ImapFlow, uid: number, limits: { maxInlineImageBytes: number }, smime?: SmimeReader): Promise<MessageBody> {
  const message = await client.fetchOne(String(uid), { uid: true, source: true, bodyStructure: true }, { uid: true })
  if (!message || !message.source) {
    throw new QuireError('NOT_FOUND', { message: 'This message is no longer on the server; it may have been moved or deleted elsewhere.', details: { uid } })
  }
  if (smime && isSmime(message.source)) return await readSmimeBody(uid, message.source, message.bodyStructure, limits, smime)
  return await readMessageBody(uid, message.source, message.bodyStructure, limits)
}

/**
 * An S/MIME message (RFC 8551): decrypted and verified in main, the inner message parsed as any
 * other, with the outcome for the reader's badge. Attachments of a multipart/signed message are
 * the server's parts (downloadable by part id) without the signature; those inside an encrypted or
 * opaque-signed one have no part on the server, so they are listed from the decrypted message with
 * `smime:` ids, which `mail.attachment` decrypts again to download.
 */
export async function readSmimeBody(
  uid: number,
  source: Buffer,
  structure: MessageStructureObject | undefined,
  limits: { maxInlineImageBytes: number },
  smime: SmimeReader,
): Promise<MessageBody> {
  const result = await smime.read(source)
  if (!result) return await readMessageBody(uid, source, structure, limits)
  const { status } = result
  const doNotCache = status.encrypted && !smime.cacheDecrypted()
  // not opened (no key yet): nothing to keep, and importing the key later must show it
  if (!result.message) return { uid, html: null, text: null, attachments: [], inlineImages: [], smime: status, doNotCache: true }
  // RFC 8551 §3.5.1: only multipart/signed leaves the content as parts the server can address
  const serverParts = !status.encrypted && structure?.type.toLowerCase() === 'multipart/signed'
  if (serverParts) {
    // the server's structure names the parts (and the cid: images) of the signed content
    const body = await readMessageBody(uid, result.message, structure, limits)
    return { ...body, attachments: body.attachments.filter((a) => !SIGNATURE_PART.test(a.contentType)), smime: status, doNotCache }
  }
  const body = await readMessageBody(uid, result.message, undefined, limits, { decrypted: true })
  return { ...body, smime: status, doNotCache }
}

/**
 * Parses a message source. Attachments and their part ids come from BODYSTRUCTURE (the server's
 * view, which `mail.attachment` downloads by); text, HTML and inline image data from mailparser.
 * A message mailparser cannot read still shows its raw text rather than an error.
 */
export async function readMessageBody(
  uid: number,
  source: Buffer,
  structure: MessageStructureObject | undefined,
  limits: { maxInlineImageBytes: number },
  options: { /** the decrypted content of an S/MIME message: attachments listed from it, with `smime:` ids */ decrypted?: boolean } = {},
): Promise<MessageBody> {
  let parsed: ParsedMail | null
  try {
    // cid: links stay as they are: the reader shows inline images from `inlineImages` in a sandbox
    parsed = await parseMessage(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: MAX_HTML_TO_TEXT })
  } catch {
    parsed = null
  }
  const attachments = structure ? attachmentsOf(structure) : options.decrypted && parsed ? decryptedAttachmentsOf(parsed) : []
  return {
    uid,
    html: parsed && typeof parsed.html === 'string' ? parsed.html : null,
    text: parsed ? (parsed.text ?? null) : rawText(source),
    attachments,
    inlineImages: parsed ? inlineImagesOf(parsed, attachments, limits.maxInlineImageBytes) : [],
    calendar: parsed ? calendarOf(parsed) : null,
  }
}

const MAX_CALENDAR_BYTES = 2 * 1024 * 1024

/**
 * RFC 6047 §2.4: an iMIP message carries its iTIP object as a text/calendar part with a `method`
 * parameter (most clients add the same object as an invite.ics attachment). A text/calendar part
 * wins; an attached .ics counts only when it names a METHOD, so a shared calendar file stays an attachment.
 */
export function calendarOf(parsed: Pick<ParsedMail, 'attachments'>): MessageBody['calendar'] {
  const parts = parsed.attachments.filter((a) => a.size <= MAX_CALENDAR_BYTES && /^(text\/calendar|application\/ics)$/i.test(a.contentType))
  const ordered = [...parts.filter((a) => /^text\/calendar$/i.test(a.contentType)), ...parts.filter((a) => !/^text\/calendar$/i.test(a.contentType))]
  for (const part of ordered) {
    const data = part.content.toString('utf8')
    const method = /^METHOD:([A-Za-z-]+)\s*$/m.exec(data)?.[1] ?? parameterOf(part.headers.get('content-type'), 'method')
    if (!/BEGIN:VCALENDAR/i.test(data)) continue
    if (!method && !/^text\/calendar$/i.test(part.contentType)) continue
    return { method: method ? method.toUpperCase() : null, data }
  }
  return null
}

function parameterOf(header: unknown, name: string): string | null {
  const params = (header as { params?: Record<string, string> } | undefined)?.params
  const value = params?.[name]
  return typeof value === 'string' && value ? value : null
}

function inlineImagesOf(parsed: ParsedMail, attachments: MessageBody['attachments'], maxBytes: number): MessageBody['inlineImages'] {
  const wanted = new Set(attachments.filter((a) => a.inline && a.contentId).map((a) => a.contentId as string))
  const images: MessageBody['inlineImages'] = []
  let total = 0
  for (const attachment of parsed.attachments) {
    const contentId = attachment.cid ?? attachment.contentId?.replace(/^<|>$/g, '')
    if (!contentId || !attachment.contentType.startsWith('image/')) continue
    if (!wanted.has(contentId) && !attachment.related) continue
    // past the cap the reader shows a placeholder; the image can still be downloaded as an attachment
    if (total + attachment.size > maxBytes) continue
    total += attachment.size
    images.push({ contentId, contentType: attachment.contentType, base64: attachment.content.toString('base64') })
  }
  return images
}

function rawText(source: Buffer): string {
  const text = source.subarray(0, MAX_RAW_TEXT).toString('utf8')
  const bodyStart = text.search(/\r?\n\r?\n/)
  return bodyStart >= 0 ? text.slice(bodyStart).trim() : text
}
