import { z } from 'zod'

export const AccountId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/).brand<'AccountId'>()
export type AccountId = z.infer<typeof AccountId>

const hostname = z
  .string()
  .trim()
  .min(1, 'Enter the server name')
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'A server name has only letters, digits, dots and hyphens')

/** `tls`: TLS from the first byte (993/465, required by hosted services such as WorkMail); `starttls`: upgrade in protocol (143/587). */
export const Security = z.enum(['tls', 'starttls'])

export const ServerEndpoint = z.object({
  host: hostname,
  port: z.number().int().min(1).max(65535),
  security: Security,
})
export type ServerEndpoint = z.infer<typeof ServerEndpoint>

export const AccountSettings = z.object({
  /** what the sidebar calls the account, e.g. “Work” */
  name: z.string().trim().min(1).max(100),
  /** the person's name on outgoing mail */
  displayName: z.string().trim().max(200),
  email: z.email().max(320),
  username: z.string().min(1).max(320),
  imap: ServerEndpoint,
  smtp: ServerEndpoint,
  /** never more IMAP connections than this (the listener counts) */
  maxConnections: z.number().int().min(1).max(10).default(3),
  /** how often folders other than INBOX are checked when the server has no NOTIFY */
  pollIntervalSeconds: z.number().int().min(30).max(3600).default(120),
  /** message bodies newer than this are fetched ahead of reading */
  prefetchDays: z.number().int().min(0).max(3650).default(30),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#2f6feb'),
})
export type AccountSettings = z.infer<typeof AccountSettings>

export const Account = AccountSettings.extend({ id: AccountId })
export type Account = z.infer<typeof Account>

/** What the user is shown before trusting a certificate (RFC 5280 names, SHA-256 fingerprint). */
export const CertificateInfo = z.object({
  host: z.string(),
  port: z.number().int(),
  subject: z.string(),
  issuer: z.string(),
  fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  validFrom: z.string(),
  validTo: z.string(),
  altNames: z.string().optional(),
  /** why verification failed, in OpenSSL's words (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE) */
  reason: z.string(),
  /** the certificate itself (PEM), so trusting pins exactly what was shown */
  pem: z.string(),
})
export type CertificateInfo = z.infer<typeof CertificateInfo>
