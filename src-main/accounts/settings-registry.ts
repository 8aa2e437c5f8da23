import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { QuireError } from '../common/contract'
import { AccountId } from '../common/domain/account'
import { writeFileAtomic } from './atomic-file'
import type { CredentialVault } from './vault'

/**
 * A list of accounts of one kind: settings in a JSON file in main's data directory,
 * passwords in the vault under `<kind>:<id>:password`. Main owns the list (its
 * listeners start before any window exists); the renderer mirrors it.
 */
export class SettingsRegistry<S extends object> {
  private items: (S & { id: AccountId })[] = []
  private readonly listeners = new Set<(items: (S & { id: AccountId })[]) => void>()
  private writes: Promise<void> = Promise.resolve()

  protected constructor(
    private readonly kind: string,
    private readonly file: string,
    protected readonly vault: CredentialVault,
  ) {}

  /** Reads the file; a missing file is an empty list, an unreadable one an error that leaves it untouched. */
  protected async load(schema: z.ZodType<S & { id: AccountId }>): Promise<void> {
    try {
      this.items = z.array(schema).parse(JSON.parse(await readFile(this.file, 'utf8')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new QuireError('INTERNAL', { message: `The account list ${this.file} could not be read; it was left untouched.`, cause: error })
      }
    }
  }

  private passwordName(id: AccountId): string {
    return `${this.kind}:${id}:password`
  }

  list(): (S & { id: AccountId })[] {
    return this.items.map((a) => ({ ...a }))
  }

  get(id: AccountId): S & { id: AccountId } {
    const item = this.items.find((a) => a.id === id)
    if (!item) throw new QuireError('NOT_FOUND', { message: 'That account no longer exists.' })
    return { ...item }
  }

  async password(id: AccountId): Promise<string> {
    const secret = await this.vault.get(this.passwordName(id))
    if (secret === undefined) throw new QuireError('AUTH_FAILED', { message: 'No password is stored for this account. Enter it in Settings → Accounts.' })
    return secret
  }

  /** Whether this account has a password of its own (DAV accounts may borrow their mail account's). */
  async hasPassword(id: AccountId): Promise<boolean> {
    return (await this.vault.get(this.passwordName(id))) !== undefined
  }

  onChange(listener: (items: (S & { id: AccountId })[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async add(settings: S, password: string | undefined): Promise<S & { id: AccountId }> {
    const item = { ...settings, id: AccountId.parse(randomBytes(12).toString('base64url')) }
    // the password first: an account in the list without its password would fail to log in
    if (password !== undefined) await this.vault.set(this.passwordName(item.id), password)
    await this.save([...this.items, item])
    return { ...item }
  }

  async update(id: AccountId, settings: S, password?: string): Promise<S & { id: AccountId }> {
    this.get(id)
    if (password !== undefined) await this.vault.set(this.passwordName(id), password)
    const item = { ...settings, id }
    await this.save(this.items.map((a) => (a.id === id ? item : a)))
    return { ...item }
  }

  async remove(id: AccountId): Promise<void> {
    this.get(id)
    await this.save(this.items.filter((a) => a.id !== id))
    await this.vault.delete(this.passwordName(id))
  }

  /** One write at a time, atomically, then tell the listeners. */
  private save(next: (S & { id: AccountId })[]): Promise<void> {
    const write = this.writes.then(async () => {
      await writeFileAtomic(this.file, JSON.stringify(next, null, 2))
      this.items = next
      for (const listener of this.listeners) listener(this.list())
    })
    this.writes = write.catch(() => {})
    return write
  }
}
