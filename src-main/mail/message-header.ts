import type { FetchMessageObject, MessageAddressObject } from 'imapflow'
import type { Address, MessageHeader } from '../common/domain/mail'
import { hasAttachments, isEncrypted } from './body-structure'
import { parseExtraHeaderFields } from './header-fields'

/** One FETCH response (UID FLAGS MODSEQ INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE, extra headers) as a MessageHeader. */
export function toMessageHeader(message: FetchMessageObject, snippet: string): MessageHeader {
  const envelope = message.envelope ?? {}
  const extra = parseExtraHeaderFields(message.headers)
  return {
    uid: message.uid,
    modseq: message.modseq === undefined ? null : message.modseq.toString(),
    flags: storedFlags(message.flags),
    internalDate: timeOf(message.internalDate) ?? 0,
    date: timeOf(envelope.date),
    size: message.size ?? 0,
    subject: envelope.subject ?? '',
    from: addresses(envelope.from),
    to: addresses(envelope.to),
    cc: addresses(envelope.cc),
    bcc: addresses(envelope.bcc),
    replyTo: addresses(envelope.replyTo),
    messageId: envelope.messageId ?? null,
    inReplyTo: envelope.inReplyTo ?? null,
    references: extra.references,
    listUnsubscribe: extra.listUnsubscribe,
    spam: extra.spam,
    hasAttachments: message.bodyStructure ? hasAttachments(message.bodyStructure) : false,
    snippet,
    ...(message.bodyStructure && isEncrypted(message.bodyStructure) ? { encrypted: true } : {}),
  }
}

/** A message's flags without \Recent, which belongs to one session, not to the message (RFC 3501 §2.3.2; gone in RFC 9051). */
export function storedFlags(flags: Iterable<string> | undefined): string[] {
  return [...(flags ?? [])].filter((flag) => flag.toLowerCase() !== '\\recent')
}

function timeOf(value: Date | string | undefined): number | null {
  if (value === undefined) return null
  const time = (value instanceof Date ? value : new Date(value)).getTime()
  return Number.isFinite(time) ? time : null
}

function addresses(list: MessageAddressObject[] | undefined): Address[] {
  return (list ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }))
}
