import 'fake-indexeddb/auto'
import type { ErrorShape } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import type { DraftInput, SendOutcome } from '../../src-main/common/domain/compose'
import { RpcError, type Client } from '../../src-renderer/rpc/client'
import { ComposeDatabase, type DraftRow, type SendProblem } from '../../src-renderer/store/compose/compose-database'
import { Outbox } from '../../src-renderer/store/compose/outbox'

const accountId = 'account-one' as AccountId
let n = 0

/** Main as far as the outbox knows it: `compose.send` answered by `answer`, every call recorded. */
function fakeMain(answer: (draft: DraftInput, attempt: number) => SendOutcome | ErrorShape) {
  const calls: DraftInput[] = []
  const client = {
    async call(name: string, input: { draft: DraftInput }) {
      if (name !== 'compose.send') throw new Error(`unexpected ${name}`)
      calls.push(input.draft)
      const result = answer(input.draft, calls.filter((d) => d.messageId === input.draft.messageId).length)
      if ('code' in result) throw new RpcError(result)
      return result
    },
    subscribe: () => () => undefined,
    onClose: () => undefined,
    close: () => undefined,
  } as unknown as Client
  return { client, calls }
}

const ok = (draft: DraftInput): SendOutcome => ({ messageId: draft.messageId, accepted: draft.to?.map((m) => m.address) ?? [], date: 0, sentCopy: 'appended', sentPath: 'Sent' })

function draftRow(subject: string): DraftRow {
  const messageId = `<d${n++}.${Math.random().toString(36).slice(2)}@example.test>`
  return {
    messageId,
    accountId,
    from: { name: 'Alice', address: 'alice@example.test' },
    identityId: null,
    replyTo: [],
    to: [{ name: 'Bob', email: 'bob@example.test' }],
    cc: [],
    bcc: [],
    subject,
    mode: 'rich',
    html: '<p>Hi</p>',
    text: '',
    inReplyTo: null,
    references: [],
    origin: null,
    revision: 1,
    savedRevision: 0,
    createdAt: 0,
    updatedAt: 0,
  }
}

let db: ComposeDatabase
let outbox: Outbox | undefined

beforeEach(async () => {
  db = new ComposeDatabase(`compose-${Math.random()}`)
  await db.open()
})

afterEach(() => {
  outbox?.stop()
  db.close()
})

async function stored(draft: DraftRow, attachment = false): Promise<DraftRow> {
  await db.drafts.put(draft)
  if (attachment) await db.attachments.add({ messageId: draft.messageId, filename: 'a.txt', contentType: 'text/plain', size: 2, base64: 'aGk=' })
  return draft
}

describe('the outbox', () => {
  it('sends the whole draft when its time comes, then forgets draft and attachments', async () => {
    const main = fakeMain(ok)
    const sent: SendOutcome[] = []
    outbox = new Outbox(db, main.client, { onSent: (_draft, outcome) => sent.push(outcome) })
    await outbox.start()
    const draft = await stored(draftRow('Hello'), true)
    await outbox.queue(draft, Date.now() + 30, false)
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(main.calls[0]).toMatchObject({ messageId: draft.messageId, subject: 'Hello', html: '<p>Hi</p>', attachments: [{ filename: 'a.txt', base64: 'aGk=' }] })
    expect(await db.drafts.count()).toBe(0)
    expect(await db.attachments.count()).toBe(0)
    expect(await db.outbox.count()).toBe(0)
  })

  it('sends nothing that was taken back within the undo window', async () => {
    const main = fakeMain(ok)
    const sent: string[] = []
    outbox = new Outbox(db, main.client, { onSent: (draft) => sent.push(draft.subject) })
    await outbox.start()
    const undone = await stored(draftRow('Undone'))
    await outbox.queue(undone, Date.now() + 200, false)
    expect(await outbox.takeBack(undone.messageId)).toBe(true)
    // a message queued after it goes; had the first not been taken back, it would have gone before
    const later = await stored(draftRow('Later'))
    await outbox.queue(later, Date.now() + 250, false)
    await vi.waitFor(() => expect(sent).toEqual(['Later']))
    expect(main.calls.map((d) => d.subject)).toEqual(['Later'])
    expect(await db.drafts.get(undone.messageId)).toBeDefined()
  })

  it('waits and retries after a failure that may pass (offline, 4xx), with the same Message-ID', async () => {
    const main = fakeMain((draft, attempt) => (attempt === 1 ? { code: 'SEND_DEFERRED', message: '421 try later', retryable: true } : ok(draft)))
    const sent: string[] = []
    outbox = new Outbox(db, main.client, { retryBaseMs: 20, onSent: (draft) => sent.push(draft.messageId) })
    await outbox.start()
    const draft = await stored(draftRow('Retry'))
    await outbox.queue(draft, Date.now(), false)
    await vi.waitFor(() => expect(sent).toEqual([draft.messageId]))
    expect(main.calls.map((d) => d.messageId)).toEqual([draft.messageId, draft.messageId])
  })

  it('keeps the draft of a message the server refused, with the refused recipient and the server’s words', async () => {
    const refusal: ErrorShape = {
      code: 'RECIPIENT_REJECTED',
      message: 'The mail server refused nobody@example.test.',
      retryable: false,
      details: { refused: [{ address: 'nobody@example.test', code: 550, response: '550 5.1.1 unknown user' }] },
    }
    const main = fakeMain(() => refusal)
    const failed: SendProblem[] = []
    outbox = new Outbox(db, main.client, { onFailed: (_draft, problem) => failed.push(problem) })
    await outbox.start()
    const draft = await stored(draftRow('Refused'))
    await outbox.queue(draft, Date.now(), false)
    await vi.waitFor(() => expect(failed).toHaveLength(1))
    expect(failed[0]).toEqual({ code: 'RECIPIENT_REJECTED', message: refusal.message, refused: [{ address: 'nobody@example.test', code: 550, response: '550 5.1.1 unknown user' }] })
    expect(await db.outbox.get(draft.messageId)).toMatchObject({ state: 'failed', attempts: 1 })
    expect(await db.drafts.get(draft.messageId)).toBeDefined()
    expect(main.calls).toHaveLength(1)
  })

  it('finishes filing a message that went out, without counting it as failed', async () => {
    const main = fakeMain((draft, attempt) =>
      attempt === 1 ? { code: 'AUTH_FAILED', message: 'IMAP refused the password', retryable: false, details: { submitted: true } } : ok(draft),
    )
    const failed: unknown[] = []
    const sent: string[] = []
    outbox = new Outbox(db, main.client, { retryBaseMs: 20, onFailed: (d) => failed.push(d), onSent: (d) => sent.push(d.subject) })
    await outbox.start()
    const draft = await stored(draftRow('Filed later'))
    await outbox.queue(draft, Date.now(), false)
    await vi.waitFor(() => expect(sent).toEqual(['Filed later']))
    expect(failed).toEqual([])
  })

  it('resumes after a reload what was being sent, and what was scheduled once its time has come', async () => {
    const main = fakeMain(ok)
    const interrupted = await stored(draftRow('Interrupted'))
    const scheduled = await stored(draftRow('Scheduled'))
    await db.outbox.bulkPut([
      { messageId: interrupted.messageId, accountId, state: 'sending', sendAt: 0, scheduled: 0, attempts: 0, nextAttemptAt: 0, problem: null, queuedAt: 1 },
      { messageId: scheduled.messageId, accountId, state: 'waiting', sendAt: Date.now() + 50, scheduled: 1, attempts: 0, nextAttemptAt: 0, problem: null, queuedAt: 2 },
    ])
    const sent: string[] = []
    outbox = new Outbox(db, main.client, { onSent: (d) => sent.push(d.subject) })
    await outbox.start()
    await vi.waitFor(() => expect(sent).toEqual(['Interrupted', 'Scheduled']))
  })
})
