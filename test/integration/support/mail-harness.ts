import { setTimeout as sleep } from 'node:timers/promises'
import type { z } from 'zod'
import { mailContract } from '../../../src-main/common/contract/mail'
import type { AccountId } from '../../../src-main/common/domain/account'
import type { FolderDelta } from '../../../src-main/common/domain/mail'
import type { MailChanged, MailStatus } from '../../../src-main/mail/mail-events'
import { createMailService, type MailService } from '../../../src-main/mail/mail-service'
import type { ServersEnv } from '../../servers/servers-env'
import type { FolderReplica } from './folder-replica'
import { TestAccounts } from './test-accounts'

type MailContract = typeof mailContract
type ProcedureName = { [N in keyof MailContract]: MailContract[N]['kind'] extends 'procedure' ? N : never }[keyof MailContract]
type Input<N extends ProcedureName> = z.input<MailContract[N]['input']>
type Output<N extends ProcedureName> = MailContract[N] extends { output: infer O extends z.ZodType } ? z.output<O> : never

/** Waits for `predicate` to hold, checking every 50 ms; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/**
 * The mail service over test accounts, called the way the router calls it: inputs parsed by the
 * contract's schemas (defaults applied), outputs and events validated against them.
 */
export class MailHarness {
  readonly accounts: TestAccounts
  readonly service: MailService
  readonly changed: MailChanged[] = []
  readonly statuses: MailStatus[] = []
  private readonly stops: (() => void)[] = []
  private readonly lifetime = new AbortController()

  constructor(servers: ServersEnv, options: Parameters<typeof createMailService>[1] = {}) {
    this.accounts = new TestAccounts(servers)
    // tests wait for nothing they do not cause: short retries, a short coalescing window
    this.service = createMailService(this.accounts, {
      reconnect: { baseMs: 200, capMs: 2_000 },
      folderRetry: { baseMs: 50, capMs: 200 },
      changeCoalesceMs: 20,
      ...options,
    })
    const { handlers } = this.service
    const ctx = { signal: this.lifetime.signal }
    const changed = handlers['mail.changed']({}, (payload) => this.changed.push(mailContract['mail.changed'].payload.parse(payload)), ctx)
    const status = handlers['mail.status']({}, (payload) => this.statuses.push(mailContract['mail.status'].payload.parse(payload)), ctx)
    for (const stop of [changed, status]) if (stop) this.stops.push(stop)
  }

  async call<N extends ProcedureName>(name: N, input: Input<N>, signal: AbortSignal = this.lifetime.signal): Promise<Output<N>> {
    const def = mailContract[name]
    const handler = this.service.handlers[name] as unknown as (input: unknown, ctx: { signal: AbortSignal }) => Promise<unknown>
    return def.output.parse(await handler(def.input.parse(input), { signal })) as Output<N>
  }

  /** Brings `replica` up to date: sync until no more, then backfill until done (or `backfill: false`). */
  async syncAll(accountId: AccountId, path: string, replica: FolderReplica, { limit = 500, backfill = true } = {}): Promise<FolderDelta[]> {
    const deltas: FolderDelta[] = []
    for (let more = true; more; ) {
      const delta = await this.call('mail.sync', { accountId, path, cursor: replica.cursor, limit })
      replica.apply(delta)
      deltas.push(delta)
      more = delta.more
    }
    while (backfill && replica.cursor && !replica.cursor.backfillDone) {
      const delta = await this.call('mail.backfill', { accountId, path, cursor: replica.cursor, limit })
      replica.apply(delta)
      deltas.push(delta)
    }
    return deltas
  }

  lastStatus(accountId: AccountId): MailStatus | undefined {
    return this.statuses.filter((s) => s.accountId === accountId).at(-1)
  }

  async waitForStatus(accountId: AccountId, predicate: (status: MailStatus) => boolean, what: string): Promise<MailStatus> {
    return await eventually(what, () => {
      const status = this.lastStatus(accountId)
      return status && predicate(status) ? status : undefined
    })
  }

  /** Online; with `polled`, also past the first poll round (which learns where every folder stands). */
  async waitOnline(accountId: AccountId, { polled = false } = {}): Promise<MailStatus> {
    return await this.waitForStatus(accountId, (s) => s.state === 'online' && (!polled || s.nextPollAt !== null), polled ? 'the first poll round' : 'the account online')
  }

  async waitForChanged(predicate: (event: MailChanged) => boolean, what: string, since = 0): Promise<MailChanged> {
    return await eventually(what, () => this.changed.slice(since).find(predicate))
  }

  async close(): Promise<void> {
    for (const stop of this.stops) stop()
    this.lifetime.abort()
    await this.service.close()
  }
}
