import type { ImapFlow } from 'imapflow'
import { setTimeout as sleep } from 'node:timers/promises'
import { QuireError } from '../common/contract'
import type { AccountId } from '../common/domain/account'
import type { Draft, SendOutcome } from '../common/domain/compose'
import type { AccountAccess } from '../accounts/account-access'
import type { ImapAccess } from '../mail/mail-service'
import type { Handlers } from '../rpc/router'
import type { SmimeService } from '../smime'
import type { CrashHook } from './crash-hook'
import { appendMessage, deleteMessages, filingFolder, uidsWithMessageId, type FilingRole } from './mailbox-filing'
import { buildMessage } from './mime-message'
import type { JournalEntry, OutboxJournal } from './outbox-journal'
import { submitMessage } from './smtp-submission'

export type ComposeHandlers = Pick<Handlers, 'compose.saveDraft' | 'compose.discardDraft' | 'compose.send' | 'compose.sendItip' | 'compose.messageSource'>

export interface ComposeServiceOptions {
  journal: OutboxJournal
  /** test only: see crash-hook.ts */
  crashAt?: CrashHook | undefined
  now?: () => number
  /** once a server is known to file Sent copies itself, how long to wait for its copy before appending one */
  serverCopyWaitMs?: number
  /** the largest message `compose.messageSource` returns */
  maxSourceBytes?: number
  /** signs and encrypts what a draft asks for (without it, a draft asking to sign or encrypt is refused) */
  smime?: Pick<SmimeService, 'protectMessages' | 'store'> | undefined
}

export interface ComposeService {
  handlers: ComposeHandlers
  close(): void
}

const SERVER_COPY_POLL_MS = 500

/**
 * Drafts on the server and sending (DESIGN.md flow 3). Every operation on one Message-ID runs
 * alone, in the order called, so a late autosave can never overtake a send of the same draft.
 */
export function createComposeService(accounts: AccountAccess, imap: ImapAccess, options: ComposeServiceOptions): ComposeService {
  const { journal } = options
  const now = options.now ?? Date.now
  const crash: CrashHook = options.crashAt ?? (async () => undefined)
  const serverCopyWaitMs = options.serverCopyWaitMs ?? 5_000
  const maxSourceBytes = options.maxSourceBytes ?? 40 * 1024 * 1024
  const folders = new Map<string, string>()
  const queues = new Map<string, Promise<unknown>>()
  const lifetime = new AbortController()

  /** Runs `work` after every earlier operation on the same Message-ID. */
  const exclusively = <T>(messageId: string, work: () => Promise<T>): Promise<T> => {
    const previous = queues.get(messageId) ?? Promise.resolve()
    const result = previous.catch(() => undefined).then(work)
    const tail = result.catch(() => undefined)
    queues.set(messageId, tail)
    void tail.then(() => {
      if (queues.get(messageId) === tail) queues.delete(messageId)
    })
    return result
  }

  /** The account's Drafts or Sent folder, remembered; a folder gone since is looked up again. */
  const folderFor = async (accountId: AccountId, role: FilingRole, signal: AbortSignal): Promise<string> => {
    const key = `${accountId}\n${role}`
    const known = folders.get(key)
    if (known) return known
    const path = await imap.withImap(accountId, null, signal, (client) => filingFolder(client, role))
    folders.set(key, path)
    return path
  }

  /** Runs `work` with the role's folder, finding the folder again once if it has gone away meanwhile. */
  const withRole = async <T>(accountId: AccountId, role: FilingRole, signal: AbortSignal, work: (path: string) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      const path = await folderFor(accountId, role, signal)
      try {
        return await work(path)
      } catch (error) {
        if (attempt > 0 || !(error instanceof QuireError) || error.code !== 'NOT_FOUND') throw error
        folders.delete(`${accountId}\n${role}`)
      }
    }
  }

  /** Runs `work` with the role's folder selected. */
  const inFolder = <T>(accountId: AccountId, role: FilingRole, signal: AbortSignal, work: (path: string, client: ImapFlow) => Promise<T>): Promise<T> =>
    withRole(accountId, role, signal, (path) => imap.withImap(accountId, path, signal, (client) => work(path, client)))

  /** APPEND to the role's folder; the new UID when the server says it. */
  const appendTo = (accountId: AccountId, role: FilingRole, raw: Buffer, flags: string[], date: Date, signal: AbortSignal) =>
    withRole(accountId, role, signal, async (path) => ({ path, uid: await imap.withImap(accountId, null, signal, (client) => appendMessage(client, path, raw, flags, date)) }))

  const copiesIn = (accountId: AccountId, role: FilingRole, messageId: string, signal: AbortSignal) =>
    inFolder(accountId, role, signal, async (path, client) => ({ path, uids: await uidsWithMessageId(client, messageId) }))

  const removeCopies = async (accountId: AccountId, role: FilingRole, messageId: string, signal: AbortSignal, keep: number | null = null): Promise<void> => {
    const path = await inFolder(accountId, role, signal, async (path, client) => {
      let uids = await uidsWithMessageId(client, messageId)
      // without APPENDUID the newest copy (highest UID) is the one just stored
      uids = keep === null ? uids : keep === -1 ? uids.slice(0, -1) : uids.filter((uid) => uid !== keep)
      await deleteMessages(client, path, uids)
      return uids.length ? path : null
    })
    if (path) imap.changed(accountId, path)
  }

  const saveDraft = async (accountId: AccountId, draft: Draft, signal: AbortSignal) => {
    // once the server has the message, the draft belongs to the outbox: a late autosave must not bring it back
    if (isSubmitted(journal.get(draft.messageId))) return { saved: false, path: null, uid: null }
    const { copy } = await buildMessage(draft, { date: new Date(wholeSeconds(now())) })
    // RFC 3501 §2.3.2 \Draft; \Seen, so the user's own draft never counts as unread mail
    const { path, uid } = await appendTo(accountId, 'drafts', copy, ['\\Draft', '\\Seen'], new Date(now()), signal)
    await removeCopies(accountId, 'drafts', draft.messageId, signal, uid ?? -1)
    imap.changed(accountId, path)
    return { saved: true, path, uid }
  }

  const send = async (accountId: AccountId, draft: Draft, signal: AbortSignal): Promise<SendOutcome> => {
    const id = draft.messageId
    let entry = journal.get(id)
    if (entry && entry.accountId !== accountId) throw new QuireError('CONFLICT', { message: 'This message is being sent from another account.' })
    if (entry?.state === 'done') return outcomeOf(id, entry)
    const date = new Date(entry?.date ?? wholeSeconds(now()))
    const message = await protect(accountId, draft, await buildMessage(draft, { date }))
    let submittedNow = false

    if (entry?.state === 'submitting') {
      // an attempt was cut short: a server that files Sent copies itself shows whether it got through
      const sent = await copiesIn(accountId, 'sent', id, signal)
      if (sent.uids.length > 0) entry = await journal.record(id, { ...entry, state: 'accepted', sentCopy: 'server', sentPath: sent.path })
    }
    if (!entry || entry.state === 'submitting') {
      const account = accounts.get(accountId)
      entry = await journal.record(id, { accountId, state: 'submitting', date: date.getTime(), accepted: [], response: null, sentCopy: null, sentPath: null })
      let result
      try {
        result = await submitMessage(
          account,
          await accounts.password(accountId),
          accounts.tlsOptions(account.smtp.host, account.smtp.port),
          { from: message.envelope.from, to: message.envelope.to, raw: message.submission },
          { beforeData: () => crash('before-data') },
          signal,
        )
      } catch (error) {
        // refused before a byte of the message was sent: nothing went out, the user edits and sends anew.
        // Anything else (offline, a crash, a lost answer) keeps `submitting`: the next attempt checks Sent first.
        if (error instanceof QuireError && !error.retryable && error.details?.dataStarted !== true) await journal.forget(id)
        throw error
      }
      entry = await journal.record(id, { ...entry, state: 'accepted', accepted: result.accepted, response: result.response })
      submittedNow = true
      await crash('after-accept')
    }

    try {
      if (entry.state === 'accepted') {
        entry = await fileSentCopy(accountId, id, entry, message.copy, date, submittedNow, signal)
        await crash('after-sent')
      }
      await removeCopies(accountId, 'drafts', id, signal)
    } catch (error) {
      throw filingError(error)
    }
    entry = await journal.record(id, { ...entry, state: 'done' })
    return outcomeOf(id, entry)
  }

  /**
   * S/MIME between building and submitting: the submission and the Sent copy signed and/or
   * encrypted as the draft asks (else as the identity's defaults say). The Sent copy is encrypted
   * to the sender too, so it stays readable. A missing certificate fails before anything is sent.
   */
  const protect = async <M extends { submission: Buffer; copy: Buffer }>(accountId: AccountId, draft: Draft, message: M): Promise<M> => {
    const defaults = options.smime?.store.identity(accountId)
    const sign = draft.sign ?? defaults?.signByDefault ?? false
    const encrypt = draft.encrypt ?? defaults?.encryptByDefault ?? false
    if (!sign && !encrypt) return message
    if (!options.smime) throw new QuireError('INTERNAL', { message: 'S/MIME is not available here.' })
    const recipients = [...new Set([...draft.to, ...draft.cc, ...draft.bcc].map((m) => m.address.toLowerCase()))]
    const [submission, copy] = await options.smime.protectMessages([message.submission, message.copy], { accountId, sign, encrypt, recipients })
    return { ...message, submission: submission!, copy: copy! }
  }

  /** Sent holds exactly one copy afterwards: the server's own, one from an earlier attempt, or the one appended now. */
  const fileSentCopy = async (accountId: AccountId, id: string, entry: JournalEntry, copy: Buffer, date: Date, submittedNow: boolean, signal: AbortSignal): Promise<JournalEntry> => {
    let found = await copiesIn(accountId, 'sent', id, signal)
    if (found.uids.length === 0 && submittedNow && journal.serverFilesSent(accountId)) {
      for (let waited = 0; waited < serverCopyWaitMs && found.uids.length === 0; waited += SERVER_COPY_POLL_MS) {
        await sleep(SERVER_COPY_POLL_MS, undefined, { signal })
        found = await copiesIn(accountId, 'sent', id, signal)
      }
    }
    let sentCopy: NonNullable<JournalEntry['sentCopy']>
    if (found.uids.length > 0) {
      sentCopy = submittedNow ? 'server' : (entry.sentCopy ?? 'earlier')
      if (submittedNow) await journal.learnServerFilesSent(accountId)
    } else {
      found = { ...found, path: (await appendTo(accountId, 'sent', copy, ['\\Seen'], date, signal)).path }
      sentCopy = 'appended'
    }
    imap.changed(accountId, found.path)
    return await journal.record(id, { ...entry, state: 'filed', sentCopy, sentPath: found.path })
  }

  const messageSource = async (accountId: AccountId, path: string, uid: number, signal: AbortSignal) =>
    await imap.withImap(accountId, path, signal, async (client) => {
      const message = await client.fetchOne(String(uid), { uid: true, envelope: true, size: true }, { uid: true })
      if (!message) throw new QuireError('NOT_FOUND', { message: 'The message is no longer on the server; it may have been moved or deleted elsewhere.', details: { path, uid } })
      if ((message.size ?? 0) > maxSourceBytes) {
        throw new QuireError('PAYLOAD_TOO_LARGE', { message: `The message is larger than ${Math.round(maxSourceBytes / 1024 / 1024)} MB, too large to forward as an attachment.` })
      }
      const download = await client.download(String(uid), undefined, { uid: true })
      const chunks: Buffer[] = []
      for await (const chunk of download.content as AsyncIterable<Buffer>) chunks.push(chunk)
      const source = Buffer.concat(chunks)
      const subject = (message.envelope?.subject ?? '').replace(/[\\/:*?"<>|\s]+/g, ' ').trim().slice(0, 100)
      return { filename: `${subject || 'message'}.eml`, base64: source.toString('base64'), size: source.length }
    })

  const linked = (signal: AbortSignal) => AbortSignal.any([signal, lifetime.signal])

  return {
    handlers: {
      'compose.saveDraft': ({ accountId, draft }, { signal }) => exclusively(draft.messageId, () => saveDraft(accountId, draft, linked(signal))),
      'compose.discardDraft': ({ accountId, messageId }, { signal }) =>
        exclusively(messageId, async () => {
          if (!isSubmitted(journal.get(messageId))) await removeCopies(accountId, 'drafts', messageId, linked(signal))
          return {}
        }),
      // not cancellable by the caller: a send cut off halfway is what the journal exists for, but there is no reason to cause one
      'compose.send': ({ accountId, draft }) => exclusively(draft.messageId, () => send(accountId, draft, lifetime.signal)),
      // an invitation is a draft that never was one: the same journal, submission and Sent copy
      'compose.sendItip': ({ accountId, messageId, from, to, subject, text, html, calendar }) =>
        exclusively(messageId, () =>
          send(accountId, { messageId, from, to, cc: [], bcc: [], replyTo: [], subject, text, html, attachments: [], inReplyTo: null, references: [], encrypt: false, calendar }, lifetime.signal),
        ),
      'compose.messageSource': ({ accountId, path, uid }, { signal }) => messageSource(accountId, path, uid, linked(signal)),
    },
    close() {
      lifetime.abort()
    },
  }
}

/** RFC 5322 §3.3 dates have whole seconds: the recorded date is the one in the header. */
function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

function isSubmitted(entry: JournalEntry | undefined): boolean {
  return entry !== undefined && entry.state !== 'submitting'
}

function outcomeOf(messageId: string, entry: JournalEntry): SendOutcome {
  return { messageId, accepted: entry.accepted, date: entry.date, sentCopy: entry.sentCopy ?? 'appended', sentPath: entry.sentPath ?? '' }
}

/** The message went out; only filing it (Sent copy, removing the draft) failed. A retry does only that. */
function filingError(error: unknown): QuireError {
  const cause = error instanceof QuireError ? error : new QuireError('INTERNAL', { cause: error })
  return new QuireError(cause.retryable ? cause.code : 'OFFLINE', {
    message: `The message was sent, but its copy could not be filed in Sent yet: ${cause.message}`,
    details: { ...cause.details, submitted: true },
    cause: error,
  })
}
