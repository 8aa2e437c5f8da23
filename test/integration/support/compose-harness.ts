import type { ImapFlow } from 'imapflow'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { z } from 'zod'
import { composeContract } from '../../../src-main/common/contract/compose'
import { createComposeService, type ComposeService } from '../../../src-main/compose/compose-service'
import type { CrashHook } from '../../../src-main/compose/crash-hook'
import { OutboxJournal } from '../../../src-main/compose/outbox-journal'
import type { ServersEnv } from '../../servers/servers-env'
import { eventually, MailHarness } from './mail-harness'

type ComposeContract = typeof composeContract
type Name = keyof ComposeContract
type Input<N extends Name> = z.input<ComposeContract[N]['input']>
type Output<N extends Name> = z.output<ComposeContract[N]['output']>

/**
 * The compose service over the real mail service and test accounts, called the way the router calls
 * it (inputs parsed by the contract, outputs validated). `restart` replaces the service by a new one
 * over the same journal file: main after a crash.
 */
export class ComposeHarness {
  readonly mail: MailHarness
  readonly journalFile: string
  service!: ComposeService
  private readonly dir: string

  private constructor(servers: ServersEnv) {
    this.mail = new MailHarness(servers)
    this.dir = mkdtempSync(join(tmpdir(), 'quire-compose-'))
    this.journalFile = join(this.dir, 'outbox-journal.json')
  }

  static async open(servers: ServersEnv, options: { crashAt?: CrashHook } = {}): Promise<ComposeHarness> {
    const harness = new ComposeHarness(servers)
    await harness.restart(options)
    return harness
  }

  /** A new service over the same journal (and the same IMAP sessions): what main is after a restart. */
  async restart(options: { crashAt?: CrashHook } = {}): Promise<void> {
    this.service?.close()
    this.service = createComposeService(this.mail.accounts, this.mail.service, {
      journal: await OutboxJournal.open(this.journalFile),
      crashAt: options.crashAt,
      serverCopyWaitMs: 1_000,
    })
  }

  async call<N extends Name>(name: N, input: Input<N>): Promise<Output<N>> {
    const def = composeContract[name]
    const handler = this.service.handlers[name] as unknown as (input: unknown, ctx: { signal: AbortSignal }) => Promise<unknown>
    return def.output.parse(await handler(def.input.parse(input), { signal: new AbortController().signal })) as Output<N>
  }

  async close(): Promise<void> {
    this.service.close()
    await this.mail.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** UIDs of the messages in `path` with this Message-ID, as another client sees them. */
export async function copiesOf(peer: ImapFlow, path: string, messageId: string): Promise<number[]> {
  const lock = await peer.getMailboxLock(path)
  try {
    // another session's APPEND or EXPUNGE reaches this one's view of the folder only with the next command
    await peer.noop()
    const found = await peer.search({ header: { 'message-id': messageId } }, { uid: true })
    return found || []
  } finally {
    lock.release()
  }
}

/** Waits until `path` holds at least one message with this Message-ID; returns every such UID. */
export async function arrived(peer: ImapFlow, path: string, messageId: string): Promise<number[]> {
  return await eventually(`${messageId} in ${path}`, async () => {
    const uids = await copiesOf(peer, path, messageId)
    return uids.length > 0 ? uids : undefined
  })
}

/** The raw message and its flags, as the server stores them. */
export async function fetchMessage(peer: ImapFlow, path: string, uid: number): Promise<{ source: Buffer; flags: string[] }> {
  const lock = await peer.getMailboxLock(path)
  try {
    const message = await peer.fetchOne(String(uid), { source: true, flags: true }, { uid: true })
    if (!message || !message.source) throw new Error(`no message ${uid} in ${path}`)
    return { source: message.source, flags: [...(message.flags ?? [])] }
  } finally {
    lock.release()
  }
}
