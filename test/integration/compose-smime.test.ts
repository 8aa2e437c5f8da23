import type { ImapFlow } from 'imapflow'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { FileVault } from '../../src-main/accounts/file-vault'
import { composeContract } from '../../src-main/common/contract/compose'
import { QuireError } from '../../src-main/common/contract'
import type { AccountId } from '../../src-main/common/domain/account'
import type { DraftInput } from '../../src-main/common/domain/compose'
import { createComposeService, type ComposeService } from '../../src-main/compose/compose-service'
import { OutboxJournal } from '../../src-main/compose/outbox-journal'
import { CertificateStore, SmimeService } from '../../src-main/smime'
import { makeSmimeFixtures, type SmimeFixtures } from '../fixtures/smime/make-fixtures'
import { freshMessageId } from '../unit/compose-fixtures'
import { arrived, fetchMessage } from './support/compose-harness'
import { connectPeer } from './support/imap-peer'
import { MailHarness } from './support/mail-harness'

const servers = inject('servers')
const { alice, bob, carol } = servers.users

let fx: SmimeFixtures
let dir: string
let mail: MailHarness
let store: CertificateStore
let compose: ComposeService
let bobPeer: ImapFlow
let aliceId: AccountId
let bobId: AccountId

/**
 * Main as the app wires it, with one profile holding alice's and bob's accounts and both their keys:
 * compose protects what the draft asks for, `mail.body` opens it with the S/MIME status.
 */
beforeAll(async () => {
  fx = makeSmimeFixtures()
  dir = mkdtempSync(join(tmpdir(), 'quire-compose-smime-'))
  const vault = await FileVault.open({ path: join(dir, 'vault.json'), key: { keyFile: join(dir, 'vault.key') } })
  const identities = { list: () => (mail?.accounts.list() ?? []).map((account) => ({ id: account.id, email: account.email })) }
  store = await CertificateStore.open({ file: join(dir, 'smime.json'), vault, identities })
  const smime = new SmimeService(store)
  mail = new MailHarness(servers, { smime })
  aliceId = mail.accounts.add(alice, { displayName: 'Alice' }).id
  bobId = mail.accounts.add(bob, { displayName: 'Bob' }).id
  await store.setPreferences({ cacheDecrypted: false, useSystemRoots: false })
  await store.trust({ data: readFileSync(fx.root) })
  await store.importPkcs12(readFileSync(fx.alice.p12), fx.alice.p12Password)
  await store.importPkcs12(readFileSync(fx.bob.p12), fx.bob.p12Password)
  compose = createComposeService(mail.accounts, mail.service, { journal: await OutboxJournal.open(join(dir, 'journal.json')), serverCopyWaitMs: 1_000, smime })
  bobPeer = await connectPeer(servers, bob)
})

afterAll(async () => {
  await bobPeer?.logout().catch(() => undefined)
  compose?.close()
  await mail?.close()
  fx?.cleanup()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function send(draft: DraftInput) {
  const def = composeContract['compose.send']
  const handler = compose.handlers['compose.send'] as unknown as (input: unknown, ctx: { signal: AbortSignal }) => Promise<unknown>
  return handler(def.input.parse({ accountId: aliceId, draft }), { signal: new AbortController().signal }).then((out) => def.output.parse(out))
}

const draftTo = (to: string, overrides: Partial<DraftInput> = {}): DraftInput => ({
  messageId: freshMessageId(),
  from: { name: 'Alice', address: alice.email },
  to: [{ name: '', address: to }],
  subject: 'S/MIME from compose',
  html: null,
  text: 'The launch code is 0000.',
  ...overrides,
})

describe('compose with S/MIME', () => {
  it('refuses to encrypt to a recipient without a certificate, naming them, and sends once the user chooses unencrypted', async () => {
    const draft = draftTo(carol.email, { encrypt: true })
    const error = await send(draft).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(QuireError)
    expect(error).toMatchObject({ code: 'SMIME_RECIPIENT_CERTIFICATE_MISSING', details: { addresses: [carol.email] } })
    // nothing went out: the same draft, now explicitly unencrypted, is a first send
    const outcome = await send({ ...draft, encrypt: false })
    expect(outcome.accepted).toEqual([carol.email])
  })

  it('signs and encrypts to bob; bob’s body is decrypted with a valid signature and not for the cache; alice’s Sent copy opens for her', async () => {
    const draft = draftTo(bob.email, { sign: true, encrypt: true, subject: 'Signed and sealed' })
    const outcome = await send(draft)
    expect(outcome.accepted).toEqual([bob.email])

    const [uid] = await arrived(bobPeer, 'INBOX', draft.messageId)
    const { source } = await fetchMessage(bobPeer, 'INBOX', uid!)
    expect(source.toString()).toMatch(/application\/pkcs7-mime; smime-type=(auth)?enveloped-data/i)
    expect(source.toString()).not.toContain('launch code')

    const body = await mail.call('mail.body', { accountId: bobId, path: 'INBOX', uid: uid! })
    expect(body.text).toContain('The launch code is 0000.')
    expect(body.smime).toMatchObject({ outcome: 'valid', signed: true, encrypted: true, from: alice.email })
    expect(body.doNotCache).toBe(true)

    const alicePeer = await connectPeer(servers, alice)
    try {
      const [sentUid] = await arrived(alicePeer, outcome.sentPath, draft.messageId)
      const sent = await mail.call('mail.body', { accountId: aliceId, path: outcome.sentPath, uid: sentUid! })
      expect(sent.text).toContain('The launch code is 0000.')
      expect(sent.smime).toMatchObject({ outcome: 'valid', encrypted: true })
    } finally {
      await alicePeer.logout()
    }
  })

  it('applies the identity’s defaults when the draft does not say, and caches decrypted bodies when the user allows it', async () => {
    await store.setIdentity({ ...store.identity(aliceId), signByDefault: true, encryptByDefault: false })
    await store.setPreferences({ cacheDecrypted: true, useSystemRoots: false })
    try {
      const draft = draftTo(bob.email, { subject: 'Signed by default' })
      await send(draft)
      const [uid] = await arrived(bobPeer, 'INBOX', draft.messageId)
      expect((await fetchMessage(bobPeer, 'INBOX', uid!)).source.toString()).toMatch(/multipart\/signed/i)
      const body = await mail.call('mail.body', { accountId: bobId, path: 'INBOX', uid: uid! })
      expect(body.text).toContain('The launch code is 0000.')
      expect(body.smime).toMatchObject({ outcome: 'valid', signed: true, encrypted: false })
      expect(body.attachments.filter((a) => /pkcs7/.test(a.contentType))).toEqual([])
      expect(body.doNotCache).toBe(false)
    } finally {
      await store.setIdentity({ ...store.identity(aliceId), signByDefault: false, encryptByDefault: false })
      await store.setPreferences({ cacheDecrypted: false, useSystemRoots: false })
    }
  })
})
