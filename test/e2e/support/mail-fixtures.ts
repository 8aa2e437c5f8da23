import type { Page } from '@playwright/test'
import type { ImapFlow } from 'imapflow'
import MailComposer from 'nodemailer/lib/mail-composer'
import type Mail from 'nodemailer/lib/mailer'
import { connectPeer } from '../../integration/support/imap-peer'
import type { ServersEnv, TestUser, TestUserName } from '../../servers/harness'
import type { WebMode } from '../web-mode'
import { callMain, testAccountSettings } from './main-rpc.mjs'
import { expect, test } from './servers-fixture'

// the stack per worker, web mode trusting its CA and the page that fails on console errors
export { expect, test }

export const ACCOUNT_COLORS: Record<TestUserName, string> = { alice: '#2f6feb', bob: '#d97706', carol: '#1f883d' }

/** An independent IMAP client for a test user (the integration tests' peer): seeds mail and checks what reached the server. */
export function imapPeer(stack: ServersEnv, user: TestUser): Promise<ImapFlow> {
  return connectPeer(stack, user)
}

/** Empties every folder of the user's mailbox, so each test starts from what it seeds. */
export async function emptyMailbox(stack: ServersEnv, user: TestUser): Promise<void> {
  const peer = await imapPeer(stack, user)
  try {
    for (const folder of await peer.list()) {
      if (folder.flags.has('\\Noselect')) continue
      const box = await peer.mailboxOpen(folder.path)
      if (box.exists > 0) await peer.messageDelete('1:*')
    }
  } finally {
    await peer.logout()
  }
}

export async function compose(options: Mail.Options): Promise<Buffer> {
  return await new MailComposer({ date: new Date(), ...options }).compile().build()
}

/** Appends messages to a folder of the user's mailbox; returns their UIDs. */
export async function appendTo(stack: ServersEnv, user: TestUser, path: string, messages: Buffer[], flags: string[] = []): Promise<number[]> {
  const peer = await imapPeer(stack, user)
  try {
    const uids: number[] = []
    for (const raw of messages) {
      const result = await peer.append(path, raw, flags)
      if (result && result.uid) uids.push(result.uid)
    }
    return uids
  } finally {
    await peer.logout()
  }
}

/** What the server holds in a folder: subject and flags per message. */
export async function serverFolder(stack: ServersEnv, user: TestUser, path: string): Promise<{ subject: string; flags: string[] }[]> {
  const peer = await imapPeer(stack, user)
  try {
    const box = await peer.mailboxOpen(path)
    if (box.exists === 0) return []
    const rows = await peer.fetchAll('1:*', { envelope: true, flags: true })
    return rows.map((row) => ({ subject: row.envelope?.subject ?? '', flags: [...(row.flags ?? [])].filter((flag) => flag !== '\\Recent').sort() }))
  } finally {
    await peer.logout()
  }
}

export function accountSettings(stack: ServersEnv, name: TestUserName) {
  const user = stack.users[name]
  const label = name.charAt(0).toUpperCase() + name.slice(1)
  return testAccountSettings({ host: stack.imap.host, imapPort: stack.imap.tlsPort, smtpPort: stack.submission.tlsPort }, { email: user.email, name: label, color: ACCOUNT_COLORS[name] })
}

/** Adds an account through main's contract, as a set-up step (the account UI has its own test). */
export async function addAccount(webMode: WebMode, stack: ServersEnv, name: TestUserName, overrides: { prefetchDays?: number } = {}): Promise<void> {
  await callMain(webMode.url, 'accounts.add', { settings: { ...accountSettings(stack, name), ...overrides }, password: stack.users[name].password })
}

/** Adds an account the way a person does: Settings, the account dialog, the connection test, save. */
export async function addAccountThroughUi(app: Page, stack: ServersEnv, name: TestUserName): Promise<void> {
  const user = stack.users[name]
  await app.getByRole('link', { name: 'Settings' }).click()
  const add = app.getByRole('button', { name: /^Add account$/ }).first()
  await add.click()
  const dialog = app.getByRole('dialog', { name: 'Add an account' })
  await dialog.getByLabel('Email address').fill(user.email)
  await dialog.getByLabel('Password').fill(user.password)
  await dialog.getByLabel('Account name').fill(name.charAt(0).toUpperCase() + name.slice(1))
  const imap = dialog.getByRole('group', { name: 'Incoming (IMAP)' })
  await imap.getByLabel('Server').fill(stack.imap.host)
  await imap.getByLabel('Port').fill(String(stack.imap.tlsPort))
  const smtp = dialog.getByRole('group', { name: 'Outgoing (SMTP)' })
  await smtp.getByLabel('Server').fill(stack.submission.host)
  await smtp.getByLabel('Port').fill(String(stack.submission.tlsPort))
  await dialog.getByRole('button', { name: 'Add account', exact: true }).click()
  await expect(dialog).toBeHidden({ timeout: 30_000 })
}

export const messageList = (app: Page) => app.getByRole('listbox', { name: 'Messages' })

/** The list row of the message with this subject (rows are named by sender, subject and date). */
export const row = (app: Page, subject: string | RegExp) => messageList(app).getByRole('option', { name: subject })

export const mailboxes = (app: Page) => app.getByRole('navigation', { name: 'Mailboxes' })
