import { z } from 'zod'
import { AccountId } from '../domain/account'
import { Directory, DirectoryAttributes, DirectoryEntry, DirectorySettings } from '../domain/directory'
import { ConnectionCheck } from './accounts'
import { event, procedure } from './define'

const Password = z.string().min(1).max(1024)
const ErrorShapeSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), details: z.record(z.string(), z.unknown()).optional() })
const Dn = z.string().min(1).max(2000)

export const directoryContract = {
  'directory.list': procedure({ input: z.object({}).strict(), output: z.array(Directory) }),
  /** `password` is the bind DN's; none for an anonymous directory */
  'directory.add': procedure({ input: z.object({ settings: DirectorySettings, password: Password.optional() }).strict(), output: Directory }),
  'directory.update': procedure({ input: z.object({ id: AccountId, settings: DirectorySettings, password: Password.optional() }).strict(), output: Directory }),
  'directory.remove': procedure({ input: z.object({ id: AccountId }).strict(), output: z.object({}) }),
  /** The attribute mappings the server types start from (the settings form fills them in). */
  'directory.presets': procedure({ input: z.object({}).strict(), output: z.object({ openldap: DirectoryAttributes, activedirectory: DirectoryAttributes }) }),
  /** The list whenever it changes (first event: the current list). */
  'directory.changed': event({ input: z.object({}).strict(), payload: z.array(Directory) }),
  /** Connects (TLS verified), binds and runs one search with these settings; an untrusted certificate comes back to be shown. */
  'directory.test': procedure({
    input: z.object({ settings: DirectorySettings, password: Password.optional(), id: AccountId.optional() }).strict(),
    output: ConnectionCheck,
  }),
  /**
   * People and groups whose name or address starts with the words typed (2 characters at least),
   * from every directory at once; each is given its time-out, and one that fails or does not answer
   * in time is listed in `failures` while the others' entries still come back.
   */
  'directory.search': procedure({
    input: z.object({ query: z.string().trim().min(2).max(200), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.object({
      entries: z.array(DirectoryEntry),
      failures: z.array(z.object({ directoryId: AccountId, name: z.string(), error: ErrorShapeSchema })),
    }),
  }),
  /** One entry with everything Quire reads (photo, certificates). */
  'directory.entry': procedure({ input: z.object({ directoryId: AccountId, dn: Dn }).strict(), output: DirectoryEntry }),
  /** A group's members (nested groups expanded, each once); DNs that name nothing readable are `unresolved`. */
  'directory.expand': procedure({
    input: z.object({ directoryId: AccountId, dn: Dn }).strict(),
    output: z.object({ members: z.array(DirectoryEntry), unresolved: z.array(z.string()), truncated: z.boolean() }),
  }),
}
