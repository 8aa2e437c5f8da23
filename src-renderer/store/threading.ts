import type { AccountId } from '../../src-main/common/domain/account'
import type { MessageHeader } from '../../src-main/common/domain/mail'
import { Dexie } from 'dexie'
import type { MessageKey, MessageRow, QuireDatabase } from './database'
import { readMessageIdFilter, writeMessageIdFilter } from './message-id-filter'

/**
 * Conversations, per account and across its folders (a reply filed in Sent joins the thread in
 * INBOX). Messages are linked by Message-ID, In-Reply-To and References (RFC 5322 §3.6.4), the way
 * RFC 5256 §2.2 THREAD=REFERENCES does; the subject is only a fallback for messages that carry
 * neither header. A batch's Message-IDs are first asked of the account's Bloom filter
 * (message-id-filter.ts); the ones it may hold are looked up in two indexes of `messages` (by
 * Message-ID, and by each id a message's References name), two queries for the whole batch. No
 * folder is ever scanned.
 */

// Reply and forward markers of common mail clients in many languages (RFC 5256 §2.1 base subject),
// optionally counted ("Re[2]:", "AW(3):"); mailing-list tags such as "[quire-dev]"; "(fwd)" at the end.
const REPLY_MARKER = /^\s*(?:re|fwd?|aw|wg|sv|vs|vb|antw|doorst|tr|rif|r|enc|res|odp|pd|ynt|ilt|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/iu
const LIST_TAG = /^\s*\[[^\]]*\]\s*/
const FORWARD_SUFFIX = /\s*\((?:fwd|fw)\)\s*$/i

function stripRepeatedly(subject: string, patterns: readonly RegExp[]): string {
  let s = subject
  for (let previous = ''; previous !== s; ) {
    previous = s
    for (const pattern of patterns) s = s.replace(pattern, '')
  }
  return s
}

/** The subject with reply/forward markers and list tags removed, case-folded: what a conversation is called. */
export function normaliseSubject(subject: string): string {
  return stripRepeatedly(subject, [REPLY_MARKER, LIST_TAG, FORWARD_SUFFIX]).replace(/\s+/g, ' ').trim().toLowerCase()
}

/** Whether the subject says the message answers or forwards another one. */
export function isReplySubject(subject: string): boolean {
  const untagged = stripRepeatedly(subject, [LIST_TAG])
  return REPLY_MARKER.test(untagged) || FORWARD_SUFFIX.test(untagged)
}

/** Message-IDs compare in their bracketed form; some servers and clients drop the brackets. */
export function normaliseMessageId(id: string | null): string | null {
  const trimmed = id?.trim()
  if (!trimmed) return null
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`
}

/**
 * The fields a header contributes to threading: its normalised Message-ID, its ancestors (References,
 * with In-Reply-To added when References lacks it, as RFC 5256 §2.2 falls back to it), and for a
 * message with no ancestors the subject it may be threaded by.
 */
export function threadFields(header: MessageHeader): Pick<MessageRow, 'messageId' | 'references' | 'subjectKey'> {
  const messageId = normaliseMessageId(header.messageId)
  const inReplyTo = header.inReplyTo?.match(/<[^>]+>/g)?.[0] ?? normaliseMessageId(header.inReplyTo)
  const ancestors = header.references.map(normaliseMessageId).filter((id): id is string => id !== null)
  if (inReplyTo && !ancestors.includes(inReplyTo)) ancestors.push(inReplyTo)
  const references = [...new Set(ancestors)].filter((id) => id !== messageId)
  if (references.length > 0) return { messageId, references }
  const subjectKey = normaliseSubject(header.subject)
  return subjectKey ? { messageId, references, subjectKey } : { messageId, references }
}

/** Union-find over link names: new messages, Message-IDs and existing thread ids. */
class Links {
  private readonly parent = new Map<string, string>()
  find(node: string): string {
    let root = node
    for (let up = this.parent.get(root); up !== undefined && up !== root; up = this.parent.get(root)) root = up
    for (let n = node; n !== root; ) {
      const up: string = this.parent.get(n) ?? root
      this.parent.set(n, root)
      n = up
    }
    return root
  }
  union(a: string, b: string): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra !== rb) this.parent.set(ra, rb)
  }
}

const newNode = (index: number) => `n${index}`
const idNode = (messageId: string) => `m${messageId}`
const threadNode = (threadId: string) => `t${threadId}`
const keyOf = (row: MessageRow): MessageKey => [row.accountId, row.path, row.uid]
const sameRow = (a: MessageRow, b: MessageRow) => a.path === b.path && a.uid === b.uid

/**
 * Sets `threadId` (and `orphanSubject`) on a batch of new rows of one account before they are stored,
 * and merges existing threads that one of them links. Call inside a read-write transaction that
 * includes `messages` and `messageIdFilters`; the rows must come from `threadFields`.
 */
export async function assignThreads(db: QuireDatabase, accountId: AccountId, rows: MessageRow[]): Promise<void> {
  if (rows.length === 0) return
  const links = new Links()
  const ids = new Set<string>()
  rows.forEach((row, i) => {
    for (const id of [row.messageId, ...row.references]) {
      if (id === null) continue
      ids.add(id)
      links.union(newNode(i), idNode(id))
    }
  })

  // A cached message that has or names one of the batch's ids is its parent, the same message in
  // another folder, or a child or sibling that arrived first (sync runs newest first). Only ids the
  // filter may hold are looked up, by key in the two id indexes.
  const filter = await readMessageIdFilter(db, accountId)
  const related = await relatedMessages(db, accountId, [...ids].filter((id) => filter.mayHave(id)))
  const known = new Set<string>()
  for (const message of related) {
    known.add(message.threadId)
    for (const id of [message.messageId, ...message.references]) if (id !== null && ids.has(id)) links.union(idNode(id), threadNode(message.threadId))
  }
  const { joined, adopted } = await linkBySubject(db, accountId, rows, links)

  // Each group of linked rows takes the thread it touches, or a new one named after its first message.
  const threadsOfGroup = new Map<string, Set<string>>()
  for (const threadId of [...known, ...joined.map((row) => row.threadId), ...adopted.map((row) => row.threadId)]) {
    const group = links.find(threadNode(threadId))
    const threads = threadsOfGroup.get(group) ?? new Set<string>()
    threads.add(threadId)
    threadsOfGroup.set(group, threads)
  }
  const merged = new Map<string, string>()
  const threadOfGroup = new Map<string, string>()
  for (const [group, threads] of threadsOfGroup) {
    const [survivor, ...others] = [...threads].sort()
    if (survivor === undefined) continue
    threadOfGroup.set(group, survivor)
    for (const other of others) merged.set(other, survivor)
  }
  rows.forEach((row, i) => {
    const group = links.find(newNode(i))
    let threadId = threadOfGroup.get(group)
    if (threadId === undefined) {
      threadId = row.messageId ?? `local:${row.path}/${row.uid}`
      threadOfGroup.set(group, threadId)
    }
    row.threadId = threadId
  })

  // A message that links two conversations makes them one (rare: one query per thread merged away).
  for (const [from, to] of merged) await db.messages.where('[accountId+threadId]').equals([accountId, from]).modify({ threadId: to })
  for (const id of ids) filter.add(id)
  await writeMessageIdFilter(db, filter)
  if (adopted.length > 0) await db.messages.bulkUpdate(adopted.map((row) => ({ key: keyOf(row), changes: { orphanSubject: undefined } })))
}

/** The account's cached messages that have one of `ids` as Message-ID or name one in References. */
async function relatedMessages(db: QuireDatabase, accountId: AccountId, ids: string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return []
  const [byId, byReference] = await Promise.all([db.messages.where('messageId').anyOf(ids).toArray(), db.messages.where('references').anyOf(ids).toArray()])
  return [...byId, ...byReference].filter((message) => message.accountId === accountId)
}

/**
 * The subject fallback, only for messages without ancestors: an answer ("Re: …") without headers
 * joins the newest earlier message with the same subject. If none is cached yet (sync runs newest
 * first, so answers often arrive before what they answer) it is kept as an orphan of that subject,
 * and the earlier message adopts it when it arrives. Two originals that merely share a subject
 * ("Build failed") stay apart. Returns the stored messages the new rows joined, and the stored
 * orphans they adopted.
 */
async function linkBySubject(
  db: QuireDatabase,
  accountId: AccountId,
  rows: MessageRow[],
  links: Links,
): Promise<{ joined: MessageRow[]; adopted: MessageRow[] }> {
  const subjectRows = rows
    .map((row, index) => ({ row, index, key: row.subjectKey, reply: isReplySubject(row.subject) }))
    .filter((r): r is typeof r & { key: string } => r.key !== undefined)
    // oldest first, and an original before an answer of the same moment, so each answer's parent precedes it
    .sort((a, b) => a.row.internalDate - b.row.internalDate || Number(a.reply) - Number(b.reply))
  const joined: MessageRow[] = []
  const adopted: MessageRow[] = []
  if (subjectRows.length === 0) return { joined, adopted }
  const keys = [...new Set(subjectRows.map((r) => r.key))]
  const orphans = await db.messages.where('[accountId+orphanSubject]').anyOf(keys.map((key) => [accountId, key])).toArray()
  // rare (answers without headers), so one query each is affordable
  const earlier = await Promise.all(
    subjectRows.map((r) =>
      r.reply
        ? db.messages
            .where('[accountId+subjectKey+internalDate]')
            .between([accountId, r.key, Dexie.minKey], [accountId, r.key, r.row.internalDate], true, true)
            .reverse()
            .filter((row) => !sameRow(row, r.row))
            .first()
        : undefined,
    ),
  )

  const newestEarlierInBatch = (key: string, date: number, before: number) => {
    for (let j = before - 1; j >= 0; j--) {
      const candidate = subjectRows[j]
      if (candidate && candidate.key === key && candidate.row.internalDate <= date) return candidate
    }
    return undefined
  }

  subjectRows.forEach((r, position) => {
    if (!r.reply) return
    const inBatch = newestEarlierInBatch(r.key, r.row.internalDate, position)
    const stored = earlier[position]
    if (stored && (!inBatch || stored.internalDate > inBatch.row.internalDate)) {
      links.union(newNode(r.index), threadNode(stored.threadId))
      joined.push(stored)
    } else if (inBatch) {
      links.union(newNode(r.index), newNode(inBatch.index))
    } else {
      r.row.orphanSubject = r.key
    }
  })

  for (const orphan of orphans) {
    if (rows.some((row) => sameRow(row, orphan))) continue
    const parent = newestEarlierInBatch(orphan.subjectKey ?? '', orphan.internalDate, subjectRows.length)
    if (!parent) continue
    links.union(newNode(parent.index), threadNode(orphan.threadId))
    adopted.push(orphan)
  }
  return { joined, adopted }
}
