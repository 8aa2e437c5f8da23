import type { ImapFlow } from 'imapflow'
import { decodePath } from 'imapflow/lib/tools.js'
import { isCommandRefusal } from './mail-errors'

/**
 * RFC 5465 NOTIFY on the listener connection: the server pushes what changes in every personal
 * folder, so the other folders need no STATUS polls.
 *
 * imapflow 2.10.2 has no NOTIFY API. Two of its internals are used here, and only here:
 * - `exec(command, attributes)` sends a raw command (what its own commands are built on) and
 *   resolves with the tagged OK, rejects on NO/BAD; the response must be released with `next()`.
 * - `untaggedHandlers[KEYWORD]` is the connection-wide table of handlers for untagged responses
 *   that arrive outside a command expecting them (imapflow fills it for EXISTS, EXPUNGE, FETCH …).
 *   NOTIFY's STATUS and LIST responses arrive at any time (mostly during IDLE), so they go there.
 *   A command of imapflow's own that expects STATUS or LIST (status(), list()) handles those
 *   responses itself while it runs; the listener sends neither once NOTIFY is on.
 * If an imapflow upgrade renames either, `startNotify` finds no `exec` and answers false: the
 * account falls back to polling rather than break.
 */

/** What imapflow keeps internal; see above. */
interface ImapFlowInternals {
  exec?: (command: string, attributes: unknown[], options?: object) => Promise<{ next: () => void }>
  untaggedHandlers?: Record<string, ((untagged: UntaggedResponse) => Promise<void> | void) | null>
}

interface Attribute {
  type?: string
  value?: unknown
}
type AttributeList = (Attribute | AttributeList)[]
interface UntaggedResponse {
  attributes?: AttributeList
}

export interface NotifyListener {
  /** a STATUS arrived for `path`: something changed there (RFC 5465 §5.2–5.4) */
  changed: (path: string) => void
  /** a LIST arrived: `path` was created, deleted or renamed from `oldPath` (RFC 5465 §5.5) */
  folderListed: (path: string, oldPath: string | null) => void
  /** the STATUS carried UIDVALIDITY (a folder created again has a new one) */
  uidValidity: (path: string, uidValidity: string) => void
}

const atom = (value: string): Attribute => ({ type: 'ATOM', value })

/**
 * RFC 5465 §3: the selected folder (INBOX, where IDLE waits) reports new messages with their UID
 * and FLAGS, expunges and flag changes as it would anyway; every other personal folder (§6,
 * "personal": the user's own namespace, which is what the poller lists) reports them as STATUS,
 * and MailboxName (§5.5) reports folders created, deleted or renamed as LIST.
 * §5.4: FlagChange needs MessageNew and MessageExpunge in the same filter.
 */
const NOTIFY_SET: AttributeList = [
  atom('SET'),
  [atom('selected'), [atom('MessageNew'), [atom('UID'), atom('FLAGS')], atom('MessageExpunge'), atom('FlagChange')]],
  [atom('personal'), [atom('MessageNew'), atom('MessageExpunge'), atom('FlagChange'), atom('MailboxName')]],
]

/**
 * Turns NOTIFY on for `client` when the server has it and accepts the request. Call it before
 * SELECT: in the authenticated state nothing else (IDLE) is in flight on the connection.
 * False means no NOTIFY (absent, refused with NO/BAD, or not reachable through imapflow): poll.
 * A dropped connection is thrown, as for any other command.
 */
export async function startNotify(client: ImapFlow, on: NotifyListener): Promise<boolean> {
  const internals = client as unknown as ImapFlowInternals
  if (!client.capabilities.has('NOTIFY') || typeof internals.exec !== 'function' || !internals.untaggedHandlers) return false
  const handlers = internals.untaggedHandlers
  handlers.STATUS = (untagged) => onStatus(client, untagged, on)
  handlers.LIST = (untagged) => onList(client, untagged, on)
  try {
    const response = await internals.exec.call(client, 'NOTIFY', NOTIFY_SET)
    response.next()
    return true
  } catch (error) {
    handlers.STATUS = null
    handlers.LIST = null
    // NO [NOTIFICATIONOVERFLOW], BAD [BADEVENT] … (§3, §7): the server cannot do it for us
    if (isCommandRefusal(error) && client.usable) return false
    throw error
  }
}

/** `* STATUS folder (MESSAGES 3 UIDNEXT 9 UIDVALIDITY 1 …)` */
function onStatus(client: ImapFlow, untagged: UntaggedResponse, on: NotifyListener): void {
  const [name, items] = untagged.attributes ?? []
  const path = pathOf(client, name)
  if (path === null) return
  if (Array.isArray(items)) {
    for (let i = 0; i + 1 < items.length; i += 2) {
      const key = valueOf(items[i])
      const value = valueOf(items[i + 1])
      if (key?.toUpperCase() === 'UIDVALIDITY' && value && /^\d+$/.test(value)) on.uidValidity(path, value)
    }
  }
  on.changed(path)
}

/** `* LIST (flags) "/" folder ("OLDNAME" (old))`; a deleted folder comes with \NonExistent. */
function onList(client: ImapFlow, untagged: UntaggedResponse, on: NotifyListener): void {
  const [, , name, extended] = untagged.attributes ?? []
  const path = pathOf(client, name)
  if (path === null) return
  let oldPath: string | null = null
  if (Array.isArray(extended)) {
    const at = extended.findIndex((item) => valueOf(item)?.toUpperCase() === 'OLDNAME')
    const old = at >= 0 ? extended[at + 1] : undefined
    if (Array.isArray(old)) oldPath = pathOf(client, old[0])
  }
  on.folderListed(path, oldPath)
}

function valueOf(attribute: Attribute | AttributeList | undefined): string | null {
  if (!attribute || Array.isArray(attribute)) return null
  const { value } = attribute
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  return null
}

function pathOf(client: ImapFlow, attribute: Attribute | AttributeList | undefined): string | null {
  const raw = valueOf(attribute)
  if (raw === null || raw === '') return null
  const path = decodePath(client, raw)
  return path.toUpperCase() === 'INBOX' ? 'INBOX' : path
}
