import type { FetchMessageObject, FetchQueryObject, ImapFlow } from 'imapflow'
import type { MessageHeader } from '../common/domain/mail'
import { textPartOf, type TextPart } from './body-structure'
import { EXTRA_HEADER_FIELDS } from './header-fields'
import { toMessageHeader } from './message-header'
import { partPrefix } from './mime-prefix'
import { snippetFetchBytes, snippetOf } from './snippet'
import { compactSequenceSet } from './uid-set'

/**
 * The first bytes of BODY[TEXT] come with the headers: for most messages the text part starts
 * there (single-part, or the first leaf of the multipart tree), so the snippet costs no second
 * FETCH response per message, which costs imapflow as much to parse as the first.
 */
const TEXT_PREFIX_BYTES = 1536

/** Everything a MessageHeader needs, in one FETCH (MODSEQ is added by imapflow once CONDSTORE is enabled). */
const HEADER_QUERY: FetchQueryObject = {
  uid: true,
  flags: true,
  internalDate: true,
  size: true,
  envelope: true,
  bodyStructure: true,
  headers: [...EXTRA_HEADER_FIELDS],
  bodyParts: [{ key: 'TEXT', start: 0, maxLength: TEXT_PREFIX_BYTES }],
}

/**
 * The headers of the messages in `range` (sequence numbers, or UIDs with `byUid`), newest first.
 * One FETCH for the headers, BODYSTRUCTURE and the start of the text; then, only for messages
 * whose text part lies further in, one partial FETCH per distinct part (BODY.PEEK[1.2]<0.n>):
 * never a round trip per message.
 *
 * Each response is turned into its header as it arrives, so only the small header outlives it:
 * collecting a batch of 2000 parsed responses first kept them all alive long enough to be promoted
 * to V8's old generation, whose collections then cost main more than the parsing.
 */
export async function fetchHeaders(client: ImapFlow, range: string, { byUid }: { byUid: boolean }): Promise<MessageHeader[]> {
  if (!range) return []
  const headers: MessageHeader[] = []
  const elsewhere: { uid: number; part: TextPart }[] = []
  for await (const message of client.fetch(range, HEADER_QUERY, { uid: byUid })) {
    const part = message.bodyStructure ? textPartOf(message.bodyStructure) : null
    const snippet = part ? snippetFromPrefix(message, part) : ''
    if (part && snippet === null) elsewhere.push({ uid: message.uid, part })
    headers.push(toMessageHeader(message, snippet ?? ''))
  }
  if (elsewhere.length > 0) {
    const byUidOf = new Map(headers.map((header) => [header.uid, header]))
    for (const [uid, snippet] of await fetchSnippets(client, elsewhere)) {
      const header = byUidOf.get(uid)
      if (header) header.snippet = snippet
    }
  }
  return headers.sort((a, b) => b.uid - a.uid)
}

/** The snippet from the TEXT prefix, or null when the part's words are not in it. */
function snippetFromPrefix(message: FetchMessageObject, part: TextPart): string | null {
  const text = message.bodyParts?.get('text')
  const located = text && message.bodyStructure ? partPrefix(message.bodyStructure, part.partId, text) : null
  if (!located) return null
  const snippet = snippetOf(located.body, part)
  // an HTML part that opens with a long <style> may have no words yet
  return snippet || !located.truncated ? snippet : null
}

/** Partial fetches of the text parts, grouped by part specifier so a batch costs a few commands. */
async function fetchSnippets(client: ImapFlow, wanted: { uid: number; part: TextPart }[]): Promise<Map<number, string>> {
  const groups = new Map<string, { partId: string; bytes: number; uids: number[] }>()
  const partOf = new Map<number, TextPart>()
  for (const { uid, part } of wanted) {
    partOf.set(uid, part)
    const bytes = snippetFetchBytes(part.kind)
    const key = `${part.partId} ${bytes}`
    const group = groups.get(key) ?? { partId: part.partId, bytes, uids: [] }
    group.uids.push(uid)
    groups.set(key, group)
  }
  const snippets = new Map<number, string>()
  for (const group of groups.values()) {
    let rows
    try {
      rows = await client.fetchAll(
        compactSequenceSet(group.uids),
        { uid: true, bodyParts: [{ key: group.partId, start: 0, maxLength: group.bytes }] },
        { uid: true },
      )
    } catch (error) {
      // a server that refuses one part specifier costs the snippets, not the headers; a lost connection fails the batch
      if (!client.usable) throw error
      continue
    }
    for (const row of rows) {
      const raw = row.bodyParts?.get(group.partId.toLowerCase())
      const part = partOf.get(row.uid)
      if (raw && part) snippets.set(row.uid, snippetOf(raw, part))
    }
  }
  return snippets
}
