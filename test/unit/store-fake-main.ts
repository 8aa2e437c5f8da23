import type { EventName, EventPayload, ProcedureInput, ProcedureName, ProcedureOutput } from '../../src-main/common/contract'
import type { Account, AccountId } from '../../src-main/common/domain/account'
import type { Folder, FolderCursor, FolderDelta, MailTask, MessageHeader, SpecialUse } from '../../src-main/common/domain/mail'
import { RpcError, type Client } from '../../src-renderer/rpc/client'
import { QuireDatabase } from '../../src-renderer/store/database'
import { SyncCoordinator, type SyncCoordinatorOptions } from '../../src-renderer/store/sync-coordinator'

/**
 * A stand-in for *main* (not for IMAP) in the store's unit tests: the five mail procedures and the
 * account and mail events, answered from a plain in-memory model of folders that behaves like a
 * CONDSTORE/QRESYNC server (RFC 7162): modseqs, expunge log, UIDVALIDITY, UIDNEXT.
 * Integration tests run the real mail service against Dovecot.
 */

let nextHeader = 1

/** A header with sensible defaults; `uid` is the server's to give, so the model overwrites it on delivery. */
export function header(fields: Partial<MessageHeader> = {}): MessageHeader {
  const n = nextHeader++
  return {
    uid: n,
    modseq: null,
    flags: [],
    internalDate: Date.UTC(2026, 0, 1) + n * 60_000,
    date: null,
    size: 1000,
    subject: `Message ${n}`,
    from: [{ name: 'Ada', address: 'ada@example.org' }],
    to: [{ name: 'Bob', address: 'bob@example.org' }],
    cc: [],
    bcc: [],
    replyTo: [],
    messageId: `<m${n}@example.org>`,
    inReplyTo: null,
    references: [],
    listUnsubscribe: null,
    spam: false,
    hasAttachments: false,
    snippet: '',
    ...fields,
  }
}

export const accountId = 'account-one' as AccountId

export function account(id: AccountId = accountId): Account {
  return {
    id,
    name: 'Work',
    displayName: 'Ada',
    email: 'ada@example.org',
    username: 'ada',
    imap: { host: 'imap.example.org', port: 993, security: 'tls' },
    smtp: { host: 'smtp.example.org', port: 465, security: 'tls' },
    maxConnections: 3,
    pollIntervalSeconds: 120,
    prefetchDays: 30,
    color: '#2f6feb',
  }
}

interface Mailbox {
  folder: Folder
  uidValidity: string
  uidNext: number
  modseq: number
  messages: Map<number, { header: MessageHeader; modseq: number }>
  expunged: { uid: number; modseq: number }[]
}

type Handler = (input: never) => unknown

function delta(fields: Partial<FolderDelta> & Pick<FolderDelta, 'added' | 'cursor'>): FolderDelta {
  return { reset: false, changed: [], vanished: [], existingUids: null, more: false, ...fields }
}

const headersOf = (box: Mailbox, uids: readonly number[]) => uids.map((uid) => box.messages.get(uid)!.header)

export class FakeMain implements Client {
  accounts: Account[] = [account()]
  readonly calls: { name: string; input: unknown; at: number }[] = []
  /** by account id as main receives it (the brand is the contract's output type, not its input) */
  private readonly mailboxes = new Map<string, Map<string, Mailbox>>()
  private readonly failures: { name: string; error: RpcError; skip: number }[] = []
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly gates = new Map<string, Promise<void>>()

  folder(path: string, options: { specialUse?: SpecialUse; selectable?: boolean; account?: AccountId } = {}): Mailbox {
    const account = options.account ?? accountId
    const boxes = this.mailboxes.get(account) ?? new Map<string, Mailbox>()
    this.mailboxes.set(account, boxes)
    const box: Mailbox = {
      folder: {
        path,
        name: path.split('/').at(-1) ?? path,
        delimiter: '/',
        parentPath: null,
        specialUse: options.specialUse ?? null,
        subscribed: true,
        selectable: options.selectable ?? true,
        total: null,
        unseen: null,
      },
      uidValidity: '1',
      uidNext: 1,
      modseq: 1,
      messages: new Map(),
      expunged: [],
    }
    boxes.set(path, box)
    return box
  }

  removeFolder(path: string, account: string = accountId): void {
    this.mailboxes.get(account)?.delete(path)
  }

  /** Delivers messages to a folder (as LMTP would); returns their UIDs. */
  deliver(path: string, headers: readonly MessageHeader[], account: string = accountId): number[] {
    const box = this.box(account, path)
    return headers.map((h) => {
      const uid = box.uidNext++
      box.messages.set(uid, { header: { ...h, uid }, modseq: ++box.modseq })
      return uid
    })
  }

  setFlags(path: string, uid: number, flags: string[], account: string = accountId): void {
    const box = this.box(account, path)
    const message = box.messages.get(uid)
    if (message) box.messages.set(uid, { header: { ...message.header, flags }, modseq: ++box.modseq })
  }

  expunge(path: string, uids: readonly number[], account: string = accountId): void {
    const box = this.box(account, path)
    for (const uid of uids) if (box.messages.delete(uid)) box.expunged.push({ uid, modseq: ++box.modseq })
  }

  messages(path: string, account: string = accountId): MessageHeader[] {
    return [...this.box(account, path).messages.values()].map((m) => m.header)
  }

  /** Fields every `mail.body` answer carries besides the text (an S/MIME status, say). */
  bodyFields: Record<string, unknown> = {}

  /** A call of `name` fails with this error: the next one, or the one after `skip` more (queue several for several calls). */
  failNext(name: ProcedureName, error: { code: RpcError['code']; message: string; retryable: boolean }, skip = 0): void {
    this.failures.push({ name, error: new RpcError(error), skip })
  }

  /** Calls of `name` (every call without a name) wait until the returned function is called. */
  hold(name = '*'): () => void {
    let release = () => {}
    this.gates.set(name, new Promise((resolve) => (release = resolve)))
    return () => {
      this.gates.delete(name)
      release()
    }
  }

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    for (const listener of this.listeners.get(name) ?? []) listener(payload)
  }

  callsOf(name: ProcedureName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input)
  }

  async call<N extends ProcedureName>(name: N, input: ProcedureInput<N>, options: { signal?: AbortSignal } = {}): Promise<ProcedureOutput<N>> {
    this.calls.push({ name, input: structuredClone(input), at: Date.now() })
    await Promise.all([this.gates.get('*'), this.gates.get(name)])
    await new Promise((resolve) => setTimeout(resolve, 0))
    if (options.signal?.aborted) throw new RpcError({ code: 'CANCELLED', message: 'The operation was cancelled.', retryable: true })
    const failure = this.failures.find((f) => f.name === name)
    if (failure && failure.skip-- === 0) {
      this.failures.splice(this.failures.indexOf(failure), 1)
      throw failure.error
    }
    const handler = (this.handlers as Record<string, Handler | undefined>)[name]
    if (!handler) throw new RpcError({ code: 'UNKNOWN_PROCEDURE', message: `${name} is not faked`, retryable: false })
    return structuredClone(handler(input as never)) as ProcedureOutput<N>
  }

  subscribe<N extends EventName>(name: N, _input: unknown, handlers: { onEvent(payload: EventPayload<N>): void }): () => void {
    const listener = (payload: unknown) => handlers.onEvent(payload as EventPayload<N>)
    const set = this.listeners.get(name) ?? new Set()
    set.add(listener)
    this.listeners.set(name, set)
    // accounts.changed starts with the current list, as main's does
    if (name === 'accounts.changed') queueMicrotask(() => listener(this.accounts))
    return () => set.delete(listener)
  }

  onClose(): void {}
  close(): void {}

  private box(account: string, path: string): Mailbox {
    const box = this.mailboxes.get(account)?.get(path)
    if (!box) throw new RpcError({ code: 'NOT_FOUND', message: `There is no folder ${path}.`, retryable: false })
    return box
  }

  private cursorOf(box: Mailbox, oldestUid: number, backfillDone: boolean): FolderCursor {
    return { uidValidity: box.uidValidity, uidNext: box.uidNext, highestModseq: String(box.modseq), oldestUid, backfillDone }
  }

  private readonly handlers: { [N in ProcedureName]?: (input: ProcedureInput<N>) => ProcedureOutput<N> } = {
    'accounts.list': () => this.accounts,
    'mail.folders': ({ accountId }) => [...(this.mailboxes.get(accountId)?.values() ?? [])].map((box) => box.folder),
    'mail.sync': ({ accountId, path, cursor, limit = 500 }): FolderDelta => {
      const box = this.box(accountId, path)
      const uids = [...box.messages.keys()].sort((a, b) => a - b)
      if (!cursor || cursor.uidValidity !== box.uidValidity) {
        // first sync: the newest `limit` messages; backfill fetches the rest
        const newest = uids.slice(-limit)
        const oldestUid = newest[0] ?? box.uidNext
        return delta({ reset: true, added: headersOf(box, newest), cursor: this.cursorOf(box, oldestUid, uids.length <= limit) })
      }
      // as main does: new messages newest first; a batch that leaves some behind says where (unfetched)
      const since = Number(cursor.highestModseq ?? 0)
      const gap = cursor.unfetched
      const isNew = (uid: number) => uid >= cursor.uidNext || (!!gap && uid >= gap.from && uid <= gap.to)
      const fresh = uids.filter(isNew).sort((a, b) => b - a)
      const batch = fresh.slice(0, limit)
      const rest = fresh.slice(limit)
      const { unfetched: _done, ...next } = cursor
      return delta({
        added: headersOf(box, batch),
        changed: uids
          .filter((uid) => !isNew(uid) && box.messages.get(uid)!.modseq > since)
          .map((uid) => ({ uid, flags: box.messages.get(uid)!.header.flags, modseq: String(box.messages.get(uid)!.modseq) })),
        vanished: box.expunged.filter((e) => e.modseq > since && e.uid < cursor.uidNext).map((e) => e.uid),
        cursor: {
          ...next,
          uidNext: Math.max(cursor.uidNext, box.uidNext),
          highestModseq: String(box.modseq),
          ...(rest.length > 0 ? { unfetched: { from: rest.at(-1)!, to: rest[0]! } } : {}),
        },
        more: rest.length > 0,
      })
    },
    'mail.backfill': ({ accountId, path, cursor, limit = 1000, since = null }): FolderDelta => {
      const box = this.box(accountId, path)
      const older = [...box.messages.values()]
        .filter((m) => m.header.uid < cursor.oldestUid && (since === null || m.header.internalDate >= since))
        .map((m) => m.header.uid)
        .sort((a, b) => b - a)
      const batch = older.slice(0, limit)
      return delta({ added: headersOf(box, batch), cursor: { ...cursor, oldestUid: batch.at(-1) ?? cursor.oldestUid, backfillDone: older.length <= limit } })
    },
    'mail.body': ({ accountId, path, uid }) => {
      const message = this.box(accountId, path).messages.get(uid)
      if (!message) throw new RpcError({ code: 'NOT_FOUND', message: 'The item no longer exists.', retryable: false })
      return { uid, html: null, text: `Body of ${message.header.subject}`, attachments: [], inlineImages: [], ...this.bodyFields }
    },
    'mail.apply': ({ accountId, task }) => {
      this.apply(accountId, task as MailTask)
      return {}
    },
  }

  private apply(account: string, task: MailTask): void {
    const box = this.box(account, task.path)
    const missing = task.uids.filter((uid) => !box.messages.has(uid))
    if (missing.length > 0) throw new RpcError({ code: 'NOT_FOUND', message: 'The item no longer exists.', retryable: false })
    const headers = task.uids.map((uid) => box.messages.get(uid)!.header)
    switch (task.kind) {
      case 'flags':
        for (const h of headers) {
          const flags = [...h.flags.filter((f) => !task.remove.includes(f)), ...task.add.filter((f) => !h.flags.includes(f))]
          this.setFlags(task.path, h.uid, flags, account)
        }
        return
      case 'copy':
        this.deliver(task.to, headers, account)
        return
      case 'move':
        this.deliver(task.to, headers, account)
        this.expunge(task.path, task.uids, account)
        return
      case 'expunge':
        this.expunge(task.path, task.uids, account)
    }
  }
}

let databases = 0
const running: SyncCoordinator[] = []

/**
 * A fresh database and a coordinator on the fake main, with small batches so that every path of
 * the protocol (several sync and backfill calls) runs on a handful of messages.
 * `stopStores` (in afterEach) stops them all.
 */
export function storeOnFakeMain(options: SyncCoordinatorOptions = {}, main = new FakeMain(), name = `store-${++databases}`) {
  const db = new QuireDatabase(name)
  const coordinator = new SyncCoordinator(main, db, { syncBatch: 3, backfillBatch: 2, tasks: { retryBaseMs: 20, retryMaxMs: 200 }, ...options })
  running.push(coordinator)
  return { main, db, coordinator, name }
}

export function stopStores(): void {
  for (const coordinator of running.splice(0)) coordinator.stop()
}
