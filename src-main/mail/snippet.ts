import type { TextPart } from './body-structure'
import { htmlToText } from './html-text'
import { decodeCharset, decodeTransferEncoding } from './transfer-decoding'

/** About one line of a message list, in characters. */
export const SNIPPET_LENGTH = 200

/**
 * How much of a text part to fetch for a snippet. Plain text needs a little more than the snippet
 * (quoted-printable and base64 inflate it); HTML often opens with a block of CSS before any word.
 */
export function snippetFetchBytes(kind: TextPart['kind']): number {
  return kind === 'html' ? 8192 : 2048
}

/** The first words of a text part from the start of its encoded bytes. */
export function snippetOf(raw: Buffer, part: TextPart): string {
  const decoded = decodeCharset(decodeTransferEncoding(raw, part.encoding), part.charset)
  // plain text: a few lines more than the snippet is plenty, even with quoted ones dropped
  const text = part.kind === 'html' ? htmlToText(decoded) : decoded.slice(0, 8 * SNIPPET_LENGTH)
  const words = text
    .split(/\r?\n/)
    // quoted replies say nothing new about this message
    .filter((line) => !/^\s*>/.test(line))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (words.length <= SNIPPET_LENGTH) return words
  // do not cut a surrogate pair in half
  const end = /[\uD800-\uDBFF]/.test(words.charAt(SNIPPET_LENGTH - 1)) ? SNIPPET_LENGTH - 1 : SNIPPET_LENGTH
  return words.slice(0, end)
}
