import { z } from 'zod'
import { AccountId } from './account'

/**
 * A CalDAV/CardDAV server (one login serves both, as Radicale, Cyrus and most hosted
 * services do). It stands alone or belongs to a mail account, whose password it then uses.
 */
export const DavAccountSettings = z.object({
  name: z.string().trim().min(1).max(100),
  /** a full URL, or just the domain: RFC 6764 (/.well-known/caldav, /.well-known/carddav) finds the rest */
  serverUrl: z.string().trim().min(1).max(2000),
  username: z.string().min(1).max(320),
  /** the mail account whose password this server shares; null: a password of its own */
  mailAccountId: AccountId.nullable().default(null),
  calendars: z.boolean().default(true),
  contacts: z.boolean().default(true),
  /** how often collections are checked for changes (the user sees it) */
  syncIntervalSeconds: z.number().int().min(30).max(86_400).default(300),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#8250df'),
})
export type DavAccountSettings = z.infer<typeof DavAccountSettings>

export const DavAccount = DavAccountSettings.extend({ id: AccountId })
export type DavAccount = z.infer<typeof DavAccount>
