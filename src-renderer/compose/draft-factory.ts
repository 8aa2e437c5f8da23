import type { Account, AccountId } from '../../src-main/common/domain/account'
import type { Address } from '../../src-main/common/domain/mail'
import type { AttachmentRow, ComposeDatabase, DraftOrigin, DraftRow, IdentityRow, Recipient } from '../store/compose/compose-database'
import { newMessageId } from '../store/compose/draft-wire'
import { identitiesOf, identityFor } from '../store/compose/identities'
import {
  attribution,
  forwardHeaderLines,
  forwardSubject,
  replyRecipients,
  replySubject,
  threadingFields,
  type OriginalHeader,
} from '../store/compose/reply-fields'
import type { BodyRow, MessageKey, MessageRow } from '../store/database'
import { loadBody } from '../store/message-body'
import type { Store } from '../store/open-store'
import { editorHtml, escapeHtml, textToEditorHtml } from './compose-sanitize'

export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment' | 'draft'

/** The message a composer starts from: the store's row, or its key. */
export type MessageSource = MessageKey | Pick<MessageRow, 'accountId' | 'path' | 'uid'>

export interface ComposerOptions {
  /** the account to write from (a new message); replies use the original's account */
  accountId?: AccountId
  mode: ComposeMode
  /** the message answered, forwarded or (mode 'draft') resumed from the server's Drafts */
  message?: MessageSource
  /** recipients and subject to start with (a mailto: link, "write to" from contacts) */
  to?: Recipient[]
  subject?: string
}

export interface NewDraft {
  draft: DraftRow
  attachments: Omit<AttachmentRow, 'id'>[]
  /** the draft already exists locally (a resumed draft): open it as it is */
  existing: boolean
}

const recipient = (a: Address): Recipient => ({ name: a.name, email: a.address })

export function keyOf(source: MessageSource): MessageKey {
  return Array.isArray(source) ? (source as MessageKey) : [(source as MessageRow).accountId, (source as MessageRow).path, (source as MessageRow).uid]
}

/** The editor content a signature adds below what the user writes. */
export function signatureHtml(identity: Pick<IdentityRow, 'signature'> | undefined): string {
  return identity?.signature.trim() ? `<p></p>${identity.signature}` : ''
}

/**
 * A new draft for what the user asked for: its Message-ID made now, From the right identity, and
 * for answers and forwards the recipients, subject, threading headers (RFC 5322 §3.6.4), quoted
 * text and attachments of the original.
 */
export async function createDraft(store: Store, compose: ComposeDatabase, options: ComposerOptions, now = Date.now()): Promise<NewDraft> {
  const accounts = await store.db.accounts.toArray()
  if (accounts.length === 0) throw new Error('Add a mail account in Settings before writing a message.')
  const key = options.message ? keyOf(options.message) : null
  const original = key ? await store.db.messages.get(key) : undefined
  if (key && !original) throw new Error('That message is no longer in the mailbox.')
  const accountId = original?.accountId ?? options.accountId ?? accounts[0]!.id
  const account = accounts.find((a) => a.id === accountId)
  if (!account) throw new Error('That account no longer exists.')
  const identities = await identitiesOf(compose, accounts)
  const own = identities.filter((identity) => identity.accountId === accountId).map((identity) => identity.email)
  const addressedTo = original ? [...original.to, ...original.cc].map((a) => a.address) : []
  const identity = identityFor(identities, accountId, addressedTo) as IdentityRow

  if (options.mode === 'draft' && original) {
    const local = original.messageId ? await compose.drafts.get(original.messageId) : undefined
    if (local) return { draft: local, attachments: [], existing: true }
    return { ...(await resumeDraft(store, account, identity, original, now)), existing: false }
  }

  const base = blankDraft(account, identity, now)
  const attachments: Omit<AttachmentRow, 'id'>[] = []
  if (!original || options.mode === 'new') {
    return { draft: { ...base, to: options.to ?? [], subject: options.subject ?? '', html: `<p></p>${signatureHtml(identity)}` }, attachments, existing: false }
  }

  const header = headerOf(original)
  const origin = (kind: DraftOrigin['kind']): DraftOrigin => ({ kind, accountId: original.accountId, path: original.path, uid: original.uid, messageId: original.messageId })
  const body = await loadBody(store.db, store.client, { accountId: original.accountId, path: original.path, uid: original.uid }).catch(() => null)
  const quoted = quotedContent(original, body)

  if (options.mode === 'reply' || options.mode === 'replyAll') {
    const { to, cc } = replyRecipients(header, own, options.mode === 'replyAll')
    return {
      draft: {
        ...base,
        ...threadingFields(header),
        to,
        cc,
        subject: replySubject(original.subject),
        html: `<p></p>${signatureHtml(identity)}<p></p><p>${escapeHtml(attribution(header))}</p><blockquote>${quoted}</blockquote>`,
        origin: origin('reply'),
      },
      attachments,
      existing: false,
    }
  }

  const subject = forwardSubject(original.subject)
  if (options.mode === 'forwardAsAttachment') {
    const source = await store.client.call('compose.messageSource', { accountId: original.accountId, path: original.path, uid: original.uid })
    attachments.push({ messageId: base.messageId, filename: source.filename, contentType: 'message/rfc822', size: source.size, base64: source.base64 })
    return { draft: { ...base, subject, html: `<p></p>${signatureHtml(identity)}`, origin: origin('forward') }, attachments, existing: false }
  }

  // forward inline: the original below a header block, with its attachments
  for (const part of body?.attachments.filter((a) => !a.inline) ?? []) {
    const file = await store.client.call('mail.attachment', { accountId: original.accountId, path: original.path, uid: original.uid, partId: part.partId })
    attachments.push({ messageId: base.messageId, filename: file.filename, contentType: file.contentType, size: part.size, base64: file.base64 })
  }
  const headerBlock = `<p></p><p>${forwardHeaderLines(header).map(escapeHtml).join('<br>')}</p>`
  return { draft: { ...base, subject, html: `<p></p>${signatureHtml(identity)}${headerBlock}${quoted}`, origin: origin('forward') }, attachments, existing: false }
}

function blankDraft(account: Account, identity: IdentityRow, now: number): DraftRow {
  return {
    messageId: newMessageId(identity.email),
    accountId: account.id,
    from: { name: identity.name, address: identity.email },
    identityId: identity.id ?? null,
    replyTo: identity.replyTo ? [{ name: '', email: identity.replyTo }] : [],
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    mode: 'rich',
    html: '',
    text: '',
    inReplyTo: null,
    references: [],
    origin: null,
    revision: 1,
    savedRevision: 0,
    createdAt: now,
    updatedAt: now,
  }
}

function headerOf(row: MessageRow): OriginalHeader {
  return { subject: row.subject, from: row.from, to: row.to, cc: row.cc, replyTo: row.replyTo, messageId: row.messageId, references: row.references, date: row.date ?? row.internalDate }
}

/** The original's body as editor content: its HTML made safe, or its text as paragraphs; the snippet when the body cannot be had. */
function quotedContent(original: MessageRow, body: BodyRow | null): string {
  if (!body) return `<p>${escapeHtml(original.snippet)}</p>`
  if (body.html) return editorHtml(body.html, { inlineImages: inlineImagesOf(body) })
  return textToEditorHtml(body.text ?? '')
}

function inlineImagesOf(body: BodyRow): Map<string, string> {
  return new Map(body.inlineImages.map((image) => [image.contentId, `data:${image.contentType};base64,${image.base64}`]))
}

/** A draft from the server's Drafts (written here or on another device), to be finished here: same Message-ID, so saving replaces it. */
async function resumeDraft(store: Store, account: Account, identity: IdentityRow, row: MessageRow, now: number): Promise<Omit<NewDraft, 'existing'>> {
  const body = await loadBody(store.db, store.client, { accountId: row.accountId, path: row.path, uid: row.uid })
  const base = blankDraft(account, identity, now)
  const messageId = row.messageId && /^<[^<>\s@"]+@[^<>\s@"]+>$/.test(row.messageId) ? row.messageId : base.messageId
  const attachments: Omit<AttachmentRow, 'id'>[] = []
  for (const part of body.attachments.filter((a) => !a.inline)) {
    const file = await store.client.call('mail.attachment', { accountId: row.accountId, path: row.path, uid: row.uid, partId: part.partId })
    attachments.push({ messageId, filename: file.filename, contentType: file.contentType, size: part.size, base64: file.base64 })
  }
  const from = row.from[0]
  const draft: DraftRow = {
    ...base,
    messageId,
    from: from ? { name: from.name, address: from.address } : base.from,
    replyTo: row.replyTo.map(recipient),
    to: row.to.map(recipient),
    cc: row.cc.map(recipient),
    bcc: row.bcc.map(recipient),
    subject: row.subject,
    mode: body.html ? 'rich' : 'plain',
    html: body.html ? editorHtml(body.html, { inlineImages: inlineImagesOf(body) }) : '',
    text: body.html ? '' : (body.text ?? ''),
    inReplyTo: row.inReplyTo,
    references: row.references,
    // it is on the server as it is
    savedRevision: 1,
  }
  return { draft, attachments }
}
