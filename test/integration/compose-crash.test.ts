import type { ImapFlow } from 'imapflow'
import { readFileSync } from 'node:fs'
import { inject } from 'vitest'
import type { AccountId } from '../../src-main/common/domain/account'
import { Draft, type DraftInput } from '../../src-main/common/domain/compose'
import { CRASH_POINTS, type CrashPoint } from '../../src-main/compose/crash-hook'
import { buildMessage } from '../../src-main/compose/mime-message'
import { freshMessageId } from '../unit/compose-fixtures'
import { arrived, ComposeHarness, copiesOf } from './support/compose-harness'
import { connectPeer } from './support/imap-peer'

const servers = inject('servers')
const { alice, bob } = servers.users
let compose: ComposeHarness
let peers: { alice: ImapFlow; bob: ImapFlow }
let aliceId: AccountId

beforeAll(async () => {
  compose = await ComposeHarness.open(servers)
  aliceId = compose.mail.accounts.add(alice).id
  peers = { alice: await connectPeer(servers, alice), bob: await connectPeer(servers, bob) }
})

afterAll(async () => {
  await Promise.all(Object.values(peers ?? {}).map((peer) => peer.logout().catch(() => undefined)))
  await compose?.close()
})

function draft(subject: string): DraftInput {
  return { messageId: freshMessageId(), from: { name: 'Alice', address: alice.email }, to: [{ name: 'Bob', address: bob.email }], subject, html: `<p>${subject}</p>`, text: '' }
}

class SimulatedCrash extends Error {}

/** Where the journal says the message stands. */
function journalState(messageId: string): string | undefined {
  return (JSON.parse(readFileSync(compose.journalFile, 'utf8')) as { entries: Record<string, { state: string }> }).entries[messageId]?.state
}

/** Everything sent before this has been delivered once it arrives (one submission server, one queue). */
async function marker(): Promise<void> {
  const sent = draft('marker')
  await compose.call('compose.send', { accountId: aliceId, draft: sent })
  await arrived(peers.bob, 'INBOX', sent.messageId)
}

const journalAfterCrash: Record<CrashPoint, string> = { 'before-data': 'submitting', 'after-accept': 'accepted', 'after-sent': 'filed' }

describe('a send cut short by a crash', () => {
  for (const point of CRASH_POINTS) {
    it(`at ${point} ends, after a restart and a retry, with one delivered message, one Sent copy and no draft`, async () => {
      const message = draft(`Crash at ${point}`)
      await compose.call('compose.saveDraft', { accountId: aliceId, draft: message })
      await compose.restart({
        crashAt: async (reached) => {
          if (reached === point) throw new SimulatedCrash(`main died at ${point}`)
        },
      })
      await expect(compose.call('compose.send', { accountId: aliceId, draft: message })).rejects.toThrow()
      expect(journalState(message.messageId)).toBe(journalAfterCrash[point])

      await compose.restart()
      const outcome = await compose.call('compose.send', { accountId: aliceId, draft: message })
      expect(outcome).toMatchObject({ messageId: message.messageId, accepted: [bob.email], sentPath: 'Sent' })
      // a retry after the end changes nothing either
      expect(await compose.call('compose.send', { accountId: aliceId, draft: message })).toEqual(outcome)

      await arrived(peers.bob, 'INBOX', message.messageId)
      await marker()
      expect(await copiesOf(peers.bob, 'INBOX', message.messageId)).toHaveLength(1)
      expect(await copiesOf(peers.alice, 'Sent', message.messageId)).toHaveLength(1)
      expect(await copiesOf(peers.alice, 'Drafts', message.messageId)).toEqual([])
      expect(journalState(message.messageId)).toBe('done')
    })
  }

  it('after the server accepted it, finds the copy a server filed by itself in Sent and does not add another', async () => {
    const account = compose.mail.accounts.add(alice)
    const message = draft('Filed by the server')
    // what Gmail or Exchange do: the submission server puts the copy in Sent itself
    await compose.restart({
      crashAt: async (reached) => {
        if (reached !== 'after-accept') return
        const { copy } = await buildMessage(Draft.parse(message), { date: new Date() })
        await peers.alice.append('Sent', copy, ['\\Seen'])
      },
    })
    const outcome = await compose.call('compose.send', { accountId: account.id, draft: message })
    expect(outcome.sentCopy).toBe('server')
    expect(await copiesOf(peers.alice, 'Sent', message.messageId)).toHaveLength(1)
    await compose.restart()
  })
})
