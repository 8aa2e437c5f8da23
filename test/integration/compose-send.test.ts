import 'fake-indexeddb/auto'
import type { ImapFlow } from 'imapflow'
import { simpleParser, type ParsedMail } from 'mailparser'
import { inject } from 'vitest'
import { createHash } from 'node:crypto'
import type { AccountId } from '../../src-main/common/domain/account'
import type { DraftInput } from '../../src-main/common/domain/compose'
import type { FolderCursor, FolderDelta } from '../../src-main/common/domain/mail'
import { applyDelta } from '../../src-renderer/store/apply-delta'
import { QuireDatabase } from '../../src-renderer/store/database'
import { mirrorFolders } from '../../src-renderer/store/folders'
import { messagesById } from '../../src-renderer/store/message-queries'
import { freshMessageId, PDF, PNG_BASE64, richDraft } from '../unit/compose-fixtures'
import { arrived, ComposeHarness, copiesOf, fetchMessage } from './support/compose-harness'
import { SwitchableRelay } from './support/switchable-relay'
import { connectPeer } from './support/imap-peer'
import type { MailHarness } from './support/mail-harness'

const servers = inject('servers')
const { alice, bob, carol } = servers.users
let compose: ComposeHarness
let peers: { alice: ImapFlow; bob: ImapFlow; carol: ImapFlow }
let aliceId: AccountId
let bobId: AccountId

beforeAll(async () => {
  compose = await ComposeHarness.open(servers)
  aliceId = compose.mail.accounts.add(alice, { displayName: 'Alice Äpfelbaum' }).id
  bobId = compose.mail.accounts.add(bob, { displayName: 'Bob Øster' }).id
  peers = { alice: await connectPeer(servers, alice), bob: await connectPeer(servers, bob), carol: await connectPeer(servers, carol) }
})

afterAll(async () => {
  await Promise.all(Object.values(peers ?? {}).map((peer) => peer.logout().catch(() => undefined)))
  await compose?.close()
})

/** A short plain message from alice to bob; after it arrives, anything sent before it would have too. */
async function marker(): Promise<void> {
  const draft = plainDraft({ subject: 'marker' })
  await compose.call('compose.send', { accountId: aliceId, draft })
  await arrived(peers.bob, 'INBOX', draft.messageId)
}

function plainDraft(overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    messageId: freshMessageId(),
    from: { name: 'Alice', address: alice.email },
    to: [{ name: 'Bob', address: bob.email }],
    subject: 'Plain',
    html: null,
    text: 'Just text.',
    ...overrides,
  }
}

const digest = (content: Buffer) => createHash('sha256').update(content).digest('hex')

/** What a reader sees of a message: every field the composer set. */
function fieldsOf(parsed: ParsedMail) {
  const addresses = (field: ParsedMail['to']) => (field ? (Array.isArray(field) ? field : [field]).flatMap((a) => a.value) : [])
  return {
    subject: parsed.subject,
    messageId: parsed.messageId,
    date: parsed.date?.toISOString(),
    from: parsed.from?.value,
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    html: parsed.html,
    text: parsed.text,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, cid: a.cid, related: a.related, disposition: a.contentDisposition, sha: digest(a.content) })),
  }
}

describe('sending', () => {
  it('delivers alice’s rich message to bob and carol, parsed equal to what she sent, with exactly one copy in her Sent', async () => {
    const draft = richDraft({ to: [{ name: 'Bob Øster', address: bob.email }], cc: [{ name: 'Carol', address: carol.email }] })
    const outcome = await compose.call('compose.send', { accountId: aliceId, draft })
    expect(outcome).toMatchObject({ messageId: draft.messageId, accepted: [bob.email, carol.email], sentCopy: 'appended', sentPath: 'Sent' })

    const [bobUid] = await arrived(peers.bob, 'INBOX', draft.messageId)
    const [carolUid] = await arrived(peers.carol, 'INBOX', draft.messageId)
    const sent = await copiesOf(peers.alice, 'Sent', draft.messageId)
    expect(sent).toHaveLength(1)

    const options = { keepCidLinks: true }
    const received = await simpleParser((await fetchMessage(peers.bob, 'INBOX', bobUid!)).source, options)
    const filed = await fetchMessage(peers.alice, 'Sent', sent[0]!)
    const kept = await simpleParser(filed.source, options)
    expect(fieldsOf(received)).toEqual(fieldsOf(kept))
    expect(fieldsOf(await simpleParser((await fetchMessage(peers.carol, 'INBOX', carolUid!)).source, options))).toEqual(fieldsOf(kept))
    expect(filed.flags).toContain('\\Seen')

    // and what was sent is what alice wrote
    const fields = fieldsOf(received)
    expect(fields.subject).toBe(draft.subject)
    expect(fields.from).toEqual([{ name: 'Alice Äpfelbaum', address: alice.email }])
    expect(fields.to).toEqual([{ name: 'Bob Øster', address: bob.email }])
    expect(fields.cc).toEqual([{ name: 'Carol', address: carol.email }])
    expect(fields.date).toBe(new Date(outcome.date).toISOString())
    const image = received.attachments.find((a) => a.contentType === 'image/png')
    expect(image?.content.toString('base64')).toBe(PNG_BASE64)
    expect(image?.related).toBe(true)
    expect(received.html).toContain(`<img src="cid:${image?.cid}" alt="chart">`)
    expect(received.html).toContain('<strong>Bob</strong>')
    expect(received.text).toContain('- first\n- second')
    const pdf = received.attachments.find((a) => a.contentType === 'application/pdf')
    expect(pdf?.filename).toBe('Übersicht März €.pdf')
    expect(pdf?.content.equals(PDF)).toBe(true)
  })

  it('submits over implicit TLS (465) as well as STARTTLS (587)', async () => {
    const account = compose.mail.accounts.add(alice, { smtp: { host: servers.submission.host, port: servers.submission.tlsPort, security: 'tls' } })
    const draft = plainDraft({ subject: 'Over port 465' })
    await compose.call('compose.send', { accountId: account.id, draft })
    expect(await arrived(peers.bob, 'INBOX', draft.messageId)).toHaveLength(1)
  })

  it('keeps a Bcc recipient out of the delivered headers and in the Sent copy', async () => {
    const draft = plainDraft({ subject: 'Quietly', bcc: [{ name: 'Carol', address: carol.email }] })
    await compose.call('compose.send', { accountId: aliceId, draft })
    const [carolUid] = await arrived(peers.carol, 'INBOX', draft.messageId)
    const [bobUid] = await arrived(peers.bob, 'INBOX', draft.messageId)
    for (const [peer, uid] of [[peers.carol, carolUid], [peers.bob, bobUid]] as const) {
      expect((await simpleParser((await fetchMessage(peer, 'INBOX', uid!)).source)).bcc).toBeUndefined()
    }
    const [sentUid] = await copiesOf(peers.alice, 'Sent', draft.messageId)
    const kept = await simpleParser((await fetchMessage(peers.alice, 'Sent', sentUid!)).source)
    expect(kept.bcc && !Array.isArray(kept.bcc) ? kept.bcc.value : null).toEqual([{ name: 'Carol', address: carol.email }])
  })

  it('threads bob’s reply with alice’s original on both sides', async () => {
    const original = plainDraft({ subject: `Lunch ${Math.random().toString(36).slice(2, 7)}` })
    await compose.call('compose.send', { accountId: aliceId, draft: original })
    await arrived(peers.bob, 'INBOX', original.messageId)
    const reply = plainDraft({
      from: { name: 'Bob', address: bob.email },
      to: [{ name: 'Alice', address: alice.email }],
      subject: `Re: ${original.subject}`,
      text: 'Yes!\n\n> Just text.',
      inReplyTo: original.messageId,
      references: [original.messageId],
    })
    await compose.call('compose.send', { accountId: bobId, draft: reply })
    await arrived(peers.alice, 'INBOX', reply.messageId)

    for (const [accountId, account] of [
      [aliceId, 'alice'],
      [bobId, 'bob'],
    ] as const) {
      const db = await cacheOf(compose.mail, accountId, `thread-${account}-${original.messageId}`)
      const rows = (await Promise.all([original.messageId, reply.messageId].map((id) => messagesById(db, accountId, id)))).flat()
      // INBOX and Sent of one account: the original in one folder, the reply in the other, one conversation
      expect(new Set(rows.map((row) => row.path))).toEqual(new Set(['INBOX', 'Sent']))
      expect(new Set(rows.map((row) => row.threadId)).size).toBe(1)
      const answer = rows.find((row) => row.messageId === reply.messageId)
      expect(answer).toMatchObject({ inReplyTo: original.messageId, references: [original.messageId] })
      db.close()
    }
  })

  it('files a draft in Drafts, replaces it on every save, and removes it when the message is sent', async () => {
    const draft = plainDraft({ subject: 'Draft one', text: 'first words' })
    const first = await compose.call('compose.saveDraft', { accountId: aliceId, draft })
    expect(first).toMatchObject({ saved: true, path: 'Drafts' })
    const second = await compose.call('compose.saveDraft', { accountId: aliceId, draft: { ...draft, subject: 'Draft two', text: 'more words' } })
    expect(second.uid).not.toBe(first.uid)

    const copies = await copiesOf(peers.alice, 'Drafts', draft.messageId)
    expect(copies).toEqual([second.uid])
    const stored = await fetchMessage(peers.alice, 'Drafts', copies[0]!)
    expect(stored.flags.sort()).toEqual(['\\Draft', '\\Seen'])
    const parsed = await simpleParser(stored.source)
    expect([parsed.subject, parsed.text?.trim(), parsed.messageId]).toEqual(['Draft two', 'more words', draft.messageId])

    await compose.call('compose.send', { accountId: aliceId, draft: { ...draft, subject: 'Draft two', text: 'more words' } })
    expect(await copiesOf(peers.alice, 'Drafts', draft.messageId)).toEqual([])
    expect(await copiesOf(peers.alice, 'Sent', draft.messageId)).toHaveLength(1)
    // an autosave that arrives after the send does not bring the draft back
    expect(await compose.call('compose.saveDraft', { accountId: aliceId, draft })).toEqual({ saved: false, path: null, uid: null })
    expect(await copiesOf(peers.alice, 'Drafts', draft.messageId)).toEqual([])
  })

  it('discards a draft from the server', async () => {
    const draft = plainDraft({ subject: 'Never mind' })
    await compose.call('compose.saveDraft', { accountId: aliceId, draft })
    await compose.call('compose.discardDraft', { accountId: aliceId, messageId: draft.messageId })
    expect(await copiesOf(peers.alice, 'Drafts', draft.messageId)).toEqual([])
  })

  it('names a recipient the server refuses, sends nothing to anyone, and keeps the draft', async () => {
    const draft = plainDraft({ subject: 'Partly wrong', to: [{ name: 'Bob', address: bob.email }, { name: '', address: 'nobody@example.test' }] })
    await compose.call('compose.saveDraft', { accountId: aliceId, draft })
    const refused = await compose.call('compose.send', { accountId: aliceId, draft }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'RECIPIENT_REJECTED', retryable: false })
    const error = refused as { message: string; details: { refused: { address: string; code: number; response: string }[] } }
    expect(error.details.refused).toEqual([{ address: 'nobody@example.test', code: expect.any(Number), response: expect.stringContaining('nobody@example.test') }])
    expect(error.details.refused[0]!.code).toBeGreaterThanOrEqual(500)
    expect(error.message).toContain('nobody@example.test')
    expect(error.message).toContain(error.details.refused[0]!.response)
    expect(await copiesOf(peers.alice, 'Drafts', draft.messageId)).toHaveLength(1)

    // bob got nothing either: the transaction was abandoned before the message
    await marker()
    expect(await copiesOf(peers.bob, 'INBOX', draft.messageId)).toEqual([])
    expect(await copiesOf(peers.alice, 'Sent', draft.messageId)).toEqual([])

    // corrected, the same draft goes out once
    await compose.call('compose.send', { accountId: aliceId, draft: { ...draft, to: [{ name: 'Bob', address: bob.email }] } })
    expect(await arrived(peers.bob, 'INBOX', draft.messageId)).toHaveLength(1)
    expect(await copiesOf(peers.alice, 'Drafts', draft.messageId)).toEqual([])
  })

  it('says a wrong SMTP password is a wrong password', async () => {
    const account = compose.mail.accounts.add(alice, { password: 'not-her-password' })
    const error = await compose.call('compose.send', { accountId: account.id, draft: plainDraft() }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'AUTH_FAILED', retryable: false })
  })

  it('sends once the network is back, after failing while it was away', async () => {
    const relay = new SwitchableRelay({ host: servers.submission.host, port: servers.submission.port })
    await relay.up()
    await relay.down()
    const account = compose.mail.accounts.add(alice, { smtp: { host: '127.0.0.1', port: relay.port, security: 'starttls' } })
    const draft = plainDraft({ subject: 'Written offline' })
    const offline = await compose.call('compose.send', { accountId: account.id, draft }).catch((e: unknown) => e)
    expect(offline).toMatchObject({ code: 'CONNECTION_REFUSED', retryable: true })
    await relay.up()
    try {
      await compose.call('compose.send', { accountId: account.id, draft })
    } finally {
      await relay.down()
    }
    expect(await arrived(peers.bob, 'INBOX', draft.messageId)).toHaveLength(1)
    expect(await copiesOf(peers.alice, 'Sent', draft.messageId)).toHaveLength(1)
  })

  it('hands over a message’s source for forwarding as an attachment', async () => {
    const draft = plainDraft({ subject: 'Forward me / please' })
    await compose.call('compose.send', { accountId: aliceId, draft })
    const [uid] = await arrived(peers.bob, 'INBOX', draft.messageId)
    const source = await compose.call('compose.messageSource', { accountId: bobId, path: 'INBOX', uid: uid! })
    expect(source.filename).toBe('Forward me please.eml')
    expect((await simpleParser(Buffer.from(source.base64, 'base64'))).messageId).toBe(draft.messageId)
  })
})

/** The renderer's cache of one account's INBOX and Sent, filled by the real store code from `mail.sync`. */
async function cacheOf(mail: MailHarness, accountId: AccountId, name: string): Promise<QuireDatabase> {
  const db = new QuireDatabase(name)
  await db.open()
  await mirrorFolders(db, accountId, await mail.call('mail.folders', { accountId }))
  for (const path of ['INBOX', 'Sent']) {
    let cursor: FolderCursor | null = null
    for (let more = true; more; ) {
      const delta: FolderDelta = await mail.call('mail.sync', { accountId, path, cursor, limit: 500 })
      await applyDelta(db, accountId, path, delta)
      cursor = delta.cursor
      more = delta.more
    }
  }
  return db
}
