/** The header fields the list needs beyond the ENVELOPE, fetched as BODY.PEEK[HEADER.FIELDS (...)] (RFC 3501 §6.4.5). */
export const EXTRA_HEADER_FIELDS = ['references', 'list-unsubscribe', 'x-spam-flag', 'x-spam-status'] as const

export interface ExtraHeaderFields {
  /** RFC 5322 §3.6.4 msg-ids, oldest first, angle brackets kept */
  references: string[]
  /** RFC 2369 §3.2, as sent (a list of <URI>s) */
  listUnsubscribe: string | null
  /** SpamAssassin's verdict: X-Spam-Flag: YES, or X-Spam-Status: Yes, … */
  spam: boolean
}

/** Reads the HEADER.FIELDS block: unfolds continuation lines (RFC 5322 §2.2.3) and picks the fields. */
export function parseExtraHeaderFields(block: Buffer | undefined): ExtraHeaderFields {
  const fields = new Map<string, string>()
  if (block) {
    const unfolded = block.toString('utf8').replace(/\r?\n[ \t]+/g, ' ')
    for (const line of unfolded.split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      // the first occurrence wins, as in every reader
      if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim())
    }
  }
  const references = fields.get('references')?.match(/<[^<>\s]+>/g) ?? []
  return {
    references,
    listUnsubscribe: fields.get('list-unsubscribe') || null,
    spam: /^yes\b/i.test(fields.get('x-spam-flag') ?? '') || /^yes\b/i.test(fields.get('x-spam-status') ?? ''),
  }
}
