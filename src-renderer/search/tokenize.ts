/** The longest word kept in the index; longer runs (hashes, base64) are not worth finding. */
const MAX_WORD = 40

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null

/** Lower case without accents, so "Grüße" is found by "gruße" and "grusse"-less typing "gru". */
export function normalise(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
}

/**
 * The words of a text as the index keeps them: normalised, split by Unicode word boundaries (which
 * also splits Chinese and Japanese text into words), addresses into their parts ("ada@example.org"
 * is found by "ada" and "example").
 */
export function words(text: string): string[] {
  const normalised = normalise(text)
  const found: string[] = []
  if (segmenter) {
    for (const segment of segmenter.segment(normalised)) {
      if (segment.isWordLike && segment.segment.length <= MAX_WORD) found.push(...segment.segment.split(/[._@:'’-]+/u).filter(Boolean))
    }
  } else {
    for (const match of normalised.matchAll(/[\p{L}\p{N}]+/gu)) if (match[0].length <= MAX_WORD) found.push(match[0])
  }
  return found
}

/** The distinct words of several texts, at most `limit` of them (the first ones win). */
export function wordSet(texts: readonly string[], limit = 4000): string[] {
  const set = new Set<string>()
  for (const text of texts) {
    for (const word of words(text)) {
      set.add(word)
      if (set.size >= limit) return [...set]
    }
  }
  return [...set]
}

/** Visible text of an HTML body for the index, without a DOM (parsing mail in the page reports to its CSP). */
export function htmlText(html: string): string {
  return html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Math.min(Number(code), 0x10ffff)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Math.min(parseInt(code, 16), 0x10ffff)))
}
