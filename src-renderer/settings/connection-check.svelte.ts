import type { CertificateInfo } from '../../src-main/common/domain/account'
import { RpcError, type Client } from '../rpc/client'
import { mainConnection } from '../shell/connection.svelte'

/** What a server settings form is doing while its buttons are disabled. */
export type CheckStep = 'testing' | 'saving' | 'trusting'

interface Steps<Result> {
  /** asks main to sign in with what the form holds now */
  test: (client: Client) => Promise<Result>
  /** whether the test's answer lets the form save without asking */
  passed: (result: Result) => boolean
  /** writes the settings (add or update) and closes the form */
  save: (client: Client) => Promise<void>
}

/**
 * The steps every server settings form goes through — mail accounts, CalDAV/CardDAV servers, LDAP
 * directories: "Test connection" → show what each server said → "Trust this certificate" (then test
 * again) → save, which tests first unless the user chose "Save anyway". One place keeps which step
 * is running, the last answer and the errors to show beside the fields.
 */
export class ConnectionCheck<Result> {
  /** the last test's answer; none before the first test */
  result = $state.raw<Result | undefined>()
  busy = $state<CheckStep | undefined>()
  /** zod's complaints, by field path without the leading `settings` */
  errors = $state<Record<string, string>>({})
  /** what went wrong that belongs to no one field */
  formError = $state<string | undefined>()

  readonly #steps: Steps<Result>

  constructor(steps: Steps<Result>) {
    this.#steps = steps
  }

  get passed(): boolean {
    return this.result !== undefined && this.#steps.passed(this.result)
  }

  /** Forgets the last test, for a form opened afresh. */
  reset(): void {
    this.result = undefined
    this.errors = {}
    this.formError = undefined
  }

  async test(): Promise<boolean> {
    this.busy = 'testing'
    this.errors = {}
    this.formError = undefined
    try {
      const client = await mainConnection.ready
      this.result = await this.#steps.test(client)
    } catch (error) {
      this.#showError(error)
    } finally {
      this.busy = undefined
    }
    return this.passed
  }

  /** The user looked at the certificate a server presented and chose to trust it; test again with it. */
  async trustServerCertificate({ host, port, pem }: Pick<CertificateInfo, 'host' | 'port' | 'pem'>): Promise<void> {
    this.busy = 'trusting'
    try {
      const client = await mainConnection.ready
      await client.call('accounts.trustCertificate', { host, port, pem })
    } finally {
      this.busy = undefined
    }
    await this.test()
  }

  /** Saves after a passing test; `force` ("Save anyway") saves what the user typed without one. */
  async save(force = false): Promise<void> {
    if (!force && !(await this.test())) return
    this.busy = 'saving'
    try {
      await this.#steps.save(await mainConnection.ready)
    } catch (error) {
      this.#showError(error)
    } finally {
      this.busy = undefined
    }
  }

  /** BAD_INPUT with zod's issues names the fields it refused: show each beside its input. */
  #showError(error: unknown): void {
    if (error instanceof RpcError && error.code === 'BAD_INPUT' && error.details?.issues) {
      const issues = error.details.issues as { path: string[]; message: string }[]
      this.errors = Object.fromEntries(issues.map((i) => [i.path.filter((p) => p !== 'settings').join('.'), i.message]))
      this.formError = 'Some fields need attention.'
    } else {
      this.formError = error instanceof Error ? error.message : String(error)
    }
  }
}
