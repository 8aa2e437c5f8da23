import { z } from 'zod'
import { Account, AccountId, AccountSettings, CertificateInfo } from '../domain/account'
import { event, procedure } from './define'

const Password = z.string().min(1).max(1024)
const ErrorShapeSchema = z.object({ code: z.string(), message: z.string(), retryable: z.boolean(), details: z.record(z.string(), z.unknown()).optional() })

/** Outcome of logging in to one server; an untrusted certificate comes with what to show the user. */
export const ConnectionCheck = z.object({
  ok: z.boolean(),
  error: ErrorShapeSchema.optional(),
  certificate: CertificateInfo.optional(),
})

export const accountsContract = {
  'accounts.list': procedure({ input: z.object({}).strict(), output: z.array(Account) }),
  'accounts.add': procedure({ input: z.object({ settings: AccountSettings, password: Password }).strict(), output: Account }),
  'accounts.update': procedure({
    input: z.object({ id: AccountId, settings: AccountSettings, password: Password.optional() }).strict(),
    output: Account,
  }),
  'accounts.remove': procedure({ input: z.object({ id: AccountId }).strict(), output: z.object({}) }),
  /** Logs in to IMAP and SMTP with these settings (password from the vault when `id` is given and none is typed). */
  'accounts.test': procedure({
    input: z.object({ settings: AccountSettings, password: Password.optional(), id: AccountId.optional() }).strict(),
    output: z.object({ imap: ConnectionCheck, smtp: ConnectionCheck }),
  }),
  /** Trust exactly this certificate for this host and port; a different one is refused again. */
  'accounts.trustCertificate': procedure({
    input: z.object({ host: z.string().max(253), port: z.number().int().min(1).max(65535), pem: z.string().max(20_000) }).strict(),
    output: z.object({}),
  }),
  /** The account list whenever it changes (first event: the current list). */
  'accounts.changed': event({ input: z.object({}).strict(), payload: z.array(Account) }),
}
