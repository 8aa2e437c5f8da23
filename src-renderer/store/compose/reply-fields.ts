import type { Address } from '../../../src-main/common/domain/mail'
import type { Recipient } from './compose-database'

/** The header fields of the message being answered or forwarded. */
export interface OriginalHeader {
  subject: string
  from: readonly Address[]
  to: readonly Address[]
  cc: readonly Address[]
  replyTo: readonly Address[]
  messageId: string | null
  references: readonly string[]
  date: number | null
}

// Reply and forward markers as common mail clients write them (RFC 5322 §3.6.5 says "Re: " only)
const REPLY_MARKER = /^\s*(?:re|aw|sv|antw|vs|ref|rif|odp|ynt|atb)(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/i
const FORWARD_MARKER = /^\s*(?:fwd?|wg|tr|rv|enc|doorst|vl|pd|fs)(?:\[\d+\])?\s*[:：]\s*/i

function strip(subject: string, marker: RegExp): string {
  let rest = subject
  for (let previous = ''; previous !== rest; ) {
    previous = rest
    rest = rest.replace(marker, '')
  }
  return rest.trim()
}

/** "Re: " once, however many markers (in whatever language) the subject has gathered. */
export function replySubject(subject: string): string {
  return `Re: ${strip(subject, REPLY_MARKER)}`
}

/** "Fwd: " once; a reply marker inside stays ("Fwd: Re: …" says what it is). */
export function forwardSubject(subject: string): string {
  return `Fwd: ${strip(subject, FORWARD_MARKER)}`
}

const recipient = (address: Address): Recipient => ({ name: address.name, email: address.address })
const key = (email: string) => email.trim().toLowerCase()

/**
 * Who an answer goes to (RFC 5322 §3.6.3): Reply-To if set, else From — except for a message the
 * user sent, which is answered to its original recipients. Reply all adds the other To and Cc
 * recipients, never the user's own addresses, each address once.
 */
export function replyRecipients(original: OriginalHeader, own: readonly string[], all: boolean): { to: Recipient[]; cc: Recipient[] } {
  const mine = new Set(own.map(key))
  const fromMe = original.from.some((a) => mine.has(key(a.address)))
  const primary = fromMe ? original.to : original.replyTo.length > 0 ? original.replyTo : original.from
  const seen = new Set<string>()
  const take = (list: readonly Address[], keepOwn = false) =>
    list.filter((a) => a.address && (keepOwn || !mine.has(key(a.address))) && !seen.has(key(a.address)) && seen.add(key(a.address))).map(recipient)
  // answering oneself (a note to self) still needs someone to send to
  const to = take(primary, fromMe && primary.every((a) => mine.has(key(a.address))))
  if (!all) return { to, cc: [] }
  const others = take(fromMe ? [] : original.to)
  return { to: [...to, ...others], cc: take(original.cc) }
}

/**
 * RFC 5322 §3.6.4: In-Reply-To is the parent's Message-ID; References is the parent's References
 * followed by it. Very long chains keep the first and the most recent ids (RFC 5537 §3.4.4 trims them the same way).
 */
export function threadingFields(original: Pick<OriginalHeader, 'messageId' | 'references'>): { inReplyTo: string | null; references: string[] } {
  const chain = [...original.references, ...(original.messageId ? [original.messageId] : [])].filter((id, i, all) => all.indexOf(id) === i)
  const references = chain.length > 20 ? [chain[0]!, ...chain.slice(-19)] : chain
  return { inReplyTo: original.messageId, references }
}

export function formatAddress(address: Address): string {
  return address.name ? `${address.name} <${address.address}>` : address.address
}

/** "On 3 March 2026 at 10:04, Zoë Müller <zoe@example.org> wrote:" */
export function attribution(original: Pick<OriginalHeader, 'from' | 'date'>, locale?: string): string {
  const who = original.from[0] ? formatAddress(original.from[0]) : 'someone'
  if (original.date === null) return `${who} wrote:`
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(original.date)
  return `On ${when}, ${who} wrote:`
}

/** The header block a forwarded message starts with, as lines. */
export function forwardHeaderLines(original: OriginalHeader, locale?: string): string[] {
  const lines = ['---------- Forwarded message ----------', `From: ${original.from.map(formatAddress).join(', ')}`]
  if (original.date !== null) lines.push(`Date: ${new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(original.date)}`)
  lines.push(`Subject: ${original.subject}`)
  if (original.to.length) lines.push(`To: ${original.to.map(formatAddress).join(', ')}`)
  if (original.cc.length) lines.push(`Cc: ${original.cc.map(formatAddress).join(', ')}`)
  return lines
}

/** RFC 3676 §4.5: each quoted line starts with ">" (one more per level); an already quoted line gets ">" without a space. */
export function quotePlainText(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.startsWith('>') ? `>${line}` : line ? `> ${line}` : '>'))
    .join('\n')
}

// Words that say a file comes with the message, in the languages Quire's users write most
// (whole words where words have boundaries; scripts without spaces are matched as they are)
const ATTACHMENT_WORDS = /(?<![\p{L}\p{N}])(attach(?:ed|ment|ments|ing)?|enclosed|anbei|angehängt|anhang|ci-joint|pi[eè]ces? jointes?|adjunt[oa]s?|allegat[oa]|bijlage|bijgevoegd|bifogad|vedlagt|liite|załącznik|anexo|вложени[еия])(?![\p{L}\p{N}])|添付|附件/iu

/**
 * Whether the words the user wrote (not the quoted message below them) say something is attached:
 * then sending without an attachment is probably a mistake worth a question.
 */
export function mentionsAttachment(ownText: string): boolean {
  return ATTACHMENT_WORDS.test(ownText)
}
