import { Dexie, type Table } from 'dexie'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { RefusedRecipient } from '../../../src-main/common/domain/compose'
import type { Recipient } from '../contacts/recipient-suggestions'

export type { Recipient }

/** IndexedDB cannot index booleans: flags the UI filters by are 0 or 1. */
export type Bit = 0 | 1

/** Who a message is from: an address of an account with the name, reply-to and signature that go with it. */
export interface IdentityRow {
  id?: number
  accountId: AccountId
  name: string
  email: string
  /** where answers should go instead of `email`; empty for none */
  replyTo: string
  /** HTML of a few paragraphs (the editor's markup); empty for none */
  signature: string
}

/** The message a draft answers or forwards: once the draft is sent, it gets \Answered or $Forwarded (RFC 5788). */
export interface DraftOrigin {
  kind: 'reply' | 'forward'
  accountId: AccountId
  path: string
  uid: number
  messageId: string | null
}

/** A message being written. Its Message-ID is fixed here, at creation, and keys it everywhere (DESIGN.md flow 3). */
export interface DraftRow {
  messageId: string
  accountId: AccountId
  from: { name: string; address: string }
  identityId: number | null
  replyTo: Recipient[]
  to: Recipient[]
  cc: Recipient[]
  bcc: Recipient[]
  subject: string
  mode: 'rich' | 'plain'
  /** the editor's HTML; inline images are data: URLs */
  html: string
  /** the body in plain-text mode */
  text: string
  inReplyTo: string | null
  references: string[]
  origin: DraftOrigin | null
  /** S/MIME: the user's choice in the composer; absent, the identity's defaults (Settings → Security) apply */
  sign?: boolean
  encrypt?: boolean
  /** bumps with every change; `savedRevision` is the one the server's Drafts copy has */
  revision: number
  savedRevision: number
  createdAt: number
  updatedAt: number
}

/** A file that goes with a draft; kept apart so that typing does not rewrite megabytes. */
export interface AttachmentRow {
  id?: number
  messageId: string
  filename: string
  contentType: string
  size: number
  base64: string
}

/** Why the last attempt did not send, as main said. */
export interface SendProblem {
  code: string
  message: string
  /** RECIPIENT_REJECTED: each refused address with the server's words */
  refused: RefusedRecipient[]
}

/**
 * A draft on its way out. `waiting` until `sendAt` (the undo window's end, or the time chosen for
 * "send later") and any backoff; `sending` while main has it; `filing` when it went out and only
 * the Sent copy is left to a retry; `failed` when the server refused it for good (the draft stays).
 */
export interface OutboxRow {
  messageId: string
  accountId: AccountId
  state: 'waiting' | 'sending' | 'filing' | 'failed'
  sendAt: number
  /** 1 when the user chose a time ("send later"), 0 for send now (within the undo window) */
  scheduled: Bit
  attempts: number
  nextAttemptAt: number
  problem: SendProblem | null
  queuedAt: number
}

/**
 * The composer's own database: drafts, their attachments, the outbox and identities. Apart from the
 * mail cache, so composing never waits on a sync and a cache reset never loses a draft.
 *
 * Migrations: never edit a version that has shipped; add `this.version(N + 1)` below the last one
 * naming only the tables whose indexes change, with an `.upgrade()` when rows must be rewritten.
 */
export class ComposeDatabase extends Dexie {
  declare readonly drafts: Table<DraftRow, string>
  declare readonly attachments: Table<AttachmentRow, number>
  declare readonly outbox: Table<OutboxRow, string>
  declare readonly identities: Table<IdentityRow, number>

  constructor(name = 'quire-compose') {
    super(name)
    this.version(1).stores({
      drafts: 'messageId, updatedAt',
      attachments: '++id, messageId',
      outbox: 'messageId, accountId',
      identities: '++id, accountId',
    })
  }
}
