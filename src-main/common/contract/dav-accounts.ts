import { z } from 'zod'
import { AccountId } from '../domain/account'
import { ConnectionCheck } from './accounts'
import { DavAccount, DavAccountSettings } from '../domain/dav-account'
import { event, procedure } from './define'

const Password = z.string().min(1).max(1024)

export const davAccountsContract = {
  'dav.accounts.list': procedure({ input: z.object({}).strict(), output: z.array(DavAccount) }),
  /** no password: the mail account named by `mailAccountId` lends its own */
  'dav.accounts.add': procedure({ input: z.object({ settings: DavAccountSettings, password: Password.optional() }).strict(), output: DavAccount }),
  'dav.accounts.update': procedure({
    input: z.object({ id: AccountId, settings: DavAccountSettings, password: Password.optional() }).strict(),
    output: DavAccount,
  }),
  'dav.accounts.remove': procedure({ input: z.object({ id: AccountId }).strict(), output: z.object({}) }),
  /**
   * RFC 6764 discovery, the principal and its calendar and address book homes, with this login
   * (password from the vault, or the mail account's, when none is typed and `id` is given).
   */
  'dav.accounts.test': procedure({
    input: z.object({ settings: DavAccountSettings, password: Password.optional(), id: AccountId.optional() }).strict(),
    output: z.object({ caldav: ConnectionCheck.optional(), carddav: ConnectionCheck.optional() }),
  }),
  /** The list whenever it changes (first event: the current list). */
  'dav.accounts.changed': event({ input: z.object({}).strict(), payload: z.array(DavAccount) }),
}
