import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { QuireError } from '../../common/contract'
import type { AccountId } from '../../common/domain/account'
import { CalendarOwner } from '../../common/domain/calendar'
import { writeFileAtomic } from '../../accounts/atomic-file'

/**
 * Someone else's calendars the user added to a DAV account: all they share (`calendarUrl` null,
 * found again in their calendar home at every listing, so a calendar they share later appears),
 * or one calendar by its URL. `owner` keeps what was known when it was added, e.g. the address the
 * user typed, which a server like Radicale does not keep.
 */
export const SharedSource = z.object({
  owner: CalendarOwner,
  calendarUrl: z.string().url().nullable(),
})
export type SharedSource = z.infer<typeof SharedSource>

const SourcesFile = z.record(z.string(), z.array(SharedSource))

/**
 * The shared calendars the user added, per DAV account, in main's data directory (a JSON file of
 * its own beside dav-accounts.json, so editing an account in Settings never drops them). With no
 * file it keeps them in memory (tests).
 */
export class SharedCalendarSources {
  private sources: Record<string, SharedSource[]> = {}
  private writes: Promise<void> = Promise.resolve()

  private constructor(private readonly file: string | undefined) {}

  static async open(file: string): Promise<SharedCalendarSources> {
    const store = new SharedCalendarSources(file)
    try {
      store.sources = SourcesFile.parse(JSON.parse(await readFile(file, 'utf8')))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new QuireError('INTERNAL', { message: `The list of shared calendars ${file} could not be read; it was left untouched.`, cause: error })
      }
    }
    return store
  }

  static inMemory(): SharedCalendarSources {
    return new SharedCalendarSources(undefined)
  }

  list(accountId: AccountId): SharedSource[] {
    return (this.sources[accountId] ?? []).map((s) => ({ ...s, owner: { ...s.owner } }))
  }

  /** Adds a source, replacing one for the same person or calendar (the newer has fresher names). */
  async add(accountId: AccountId, source: SharedSource): Promise<void> {
    const others = (this.sources[accountId] ?? []).filter((s) => !sameSource(s, source))
    await this.save({ ...this.sources, [accountId]: [...others, source] })
  }

  /** Removes every source of this person, or the one calendar. */
  async remove(accountId: AccountId, which: { principalUrl?: string | undefined; calendarUrl?: string | undefined }): Promise<void> {
    const kept = (this.sources[accountId] ?? []).filter(
      (s) => !((which.principalUrl && s.owner.principalUrl === which.principalUrl) || (which.calendarUrl && s.calendarUrl === which.calendarUrl)),
    )
    await this.save({ ...this.sources, [accountId]: kept })
  }

  /** Forgets the sources of accounts that no longer exist. */
  async retain(accountIds: AccountId[]): Promise<void> {
    const keep = new Set<string>(accountIds)
    if (Object.keys(this.sources).every((id) => keep.has(id))) return
    await this.save(Object.fromEntries(Object.entries(this.sources).filter(([id]) => keep.has(id))))
  }

  private save(next: Record<string, SharedSource[]>): Promise<void> {
    const cleaned = Object.fromEntries(Object.entries(next).filter(([, list]) => list.length > 0))
    const write = this.writes.then(async () => {
      if (this.file) await writeFileAtomic(this.file, JSON.stringify(cleaned, null, 2))
      this.sources = cleaned
    })
    this.writes = write.catch(() => {})
    return write
  }
}

function sameSource(a: SharedSource, b: SharedSource): boolean {
  if (a.calendarUrl !== null || b.calendarUrl !== null) return a.calendarUrl === b.calendarUrl
  return a.owner.principalUrl === b.owner.principalUrl
}
