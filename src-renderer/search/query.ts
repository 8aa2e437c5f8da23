import { normalise, words } from './tokenize'

/** A search as typed, e.g. `invoice from:ada is:unread after:2026-01-01`. */
export interface SearchQuery {
  /** free words: each must start a word somewhere in the message (headers or cached body) */
  words: string[]
  /** from:, to: (also cc), subject: values, normalised; each must appear in that field */
  from: string[]
  to: string[]
  subject: string[]
  hasAttachment: boolean
  unread: boolean | null
  flagged: boolean | null
  /** in: folder names or roles (inbox, sent, archive …), normalised */
  folders: string[]
  /** ms since the epoch: before: the start of that day, after: the end of it */
  before: number | null
  after: number | null
}

const DAY = 86_400_000

/** "2026-03-14" (or 2026/3/14) as the local midnight starting that day, or null. */
function day(text: string): number | null {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text)
  if (!match) return null
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return Number.isNaN(date.getTime()) ? null : date.getTime()
}

/** Splits on spaces, keeping "quoted phrases" and op:"quoted values" together. */
function tokens(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+:)?"[^"]*"?|\S+/g)].map((match) => match[0])
}

const unquote = (value: string) => value.replace(/^"|"$/g, '')

export function parseQuery(text: string): SearchQuery {
  const query: SearchQuery = { words: [], from: [], to: [], subject: [], hasAttachment: false, unread: null, flagged: null, folders: [], before: null, after: null }
  for (const token of tokens(text)) {
    const colon = token.indexOf(':')
    const operator = colon > 0 ? token.slice(0, colon).toLowerCase() : ''
    const value = colon > 0 ? unquote(token.slice(colon + 1)) : ''
    const lowered = normalise(value)
    switch (operator) {
      case 'from':
      case 'to':
      case 'subject':
        if (lowered) query[operator].push(lowered)
        continue
      case 'has':
        if (lowered === 'attachment' || lowered === 'attachments') {
          query.hasAttachment = true
          continue
        }
        break
      case 'is':
        if (lowered === 'unread' || lowered === 'read') {
          query.unread = lowered === 'unread'
          continue
        }
        if (lowered === 'flagged' || lowered === 'starred') {
          query.flagged = true
          continue
        }
        break
      case 'in':
        if (lowered) query.folders.push(lowered)
        continue
      case 'before':
      case 'after': {
        const start = day(value)
        if (start !== null) {
          if (operator === 'before') query.before = start
          else query.after = start + DAY
          continue
        }
        break
      }
    }
    query.words.push(...words(unquote(token)))
  }
  return query
}

/** True when the query asks for nothing (the search field is empty or holds only spaces). */
export function isEmptyQuery(query: SearchQuery): boolean {
  return (
    query.words.length + query.from.length + query.to.length + query.subject.length + query.folders.length === 0 &&
    !query.hasAttachment &&
    query.unread === null &&
    query.flagged === null &&
    query.before === null &&
    query.after === null
  )
}
