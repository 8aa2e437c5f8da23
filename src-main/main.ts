import { join } from 'node:path'
import type { ConnectionOptions } from 'node:tls'
import { AccountRegistry } from './accounts/account-registry'
import { accountsHandlers } from './accounts/accounts-service'
import { CertificateTrust } from './accounts/certificate-trust'
import { DavAccountRegistry } from './accounts/dav-account-registry'
import { davAccountsHandlers } from './accounts/dav-accounts-service'
import type { CredentialVault } from './accounts/vault'
import { appHandlers } from './app-service'
import { createComposeService } from './compose/compose-service'
import { crashHookFromEnvironment, type CrashHook } from './compose/crash-hook'
import { OutboxJournal } from './compose/outbox-journal'
import { CalDavService } from './dav/caldav/caldav-service'
import { calendarHandlers } from './dav/caldav/calendar-handlers'
import { CalendarWatch } from './dav/caldav/calendar-watch'
import { SharedCalendarSources } from './dav/caldav/shared-calendar-sources'
import { CardDavService } from './dav/carddav/carddav-service'
import { contactsHandlers } from './dav/carddav/contacts-handlers'
import { directoryHandlers } from './directory/directory-handlers'
import { DirectoryRegistry } from './directory/directory-registry'
import { DirectoryService } from './directory/directory-service'
import { createMailService, type MailServiceOptions } from './mail/mail-service'
import { createRouter, type Handlers, type Router, type RouterOptions } from './rpc/router'
import { CertificateStore, SmimeService, smimeHandlers } from './smime'

export interface AppOptions {
  mode: 'electron' | 'web'
  /** where main keeps its own files (account list, trusted certificates, vault); the renderer's data lives in IndexedDB */
  dataDir: string
  vault: CredentialVault
  router?: RouterOptions
  /** options every outgoing socket gets (tests inject a resolver) */
  netOptions?: ConnectionOptions
  mail?: MailServiceOptions
  /** test only: where a send stops dead (see compose/crash-hook.ts); by default from QUIRE_TEST_CRASH_AT */
  crashAt?: CrashHook
}

export interface App {
  router: Router
  accounts: AccountRegistry
  davAccounts: DavAccountRegistry
  /** S/MIME with the keys only main holds: compose protects messages, the reader opens them */
  smime: SmimeService
  close(): Promise<void>
}

/**
 * The composition root: wires every service to the router. Both hosts — the
 * Electron shell and the headless web host — start the app through here.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const trust = await CertificateTrust.open(join(options.dataDir, 'trusted-certificates.json'))
  const accounts = await AccountRegistry.open({
    file: join(options.dataDir, 'accounts.json'),
    vault: options.vault,
    trust,
    ...(options.netOptions ? { netOptions: options.netOptions } : {}),
  })
  const directories = await DirectoryRegistry.open({ file: join(options.dataDir, 'directories.json'), vault: options.vault })
  const directoryTls = (host: string, port: number) => accounts.tlsOptions(host, port)
  const directory = new DirectoryService(directories, directoryTls)
  const certificates = await CertificateStore.open({ file: join(options.dataDir, 'smime.json'), vault: options.vault, identities: accounts })
  // encrypting to someone whose certificate Quire lacks asks the directories for it
  const smime = new SmimeService(certificates, directory)
  const davAccounts = await DavAccountRegistry.open({ file: join(options.dataDir, 'dav-accounts.json'), vault: options.vault, mail: accounts })
  const mail = createMailService(accounts, { ...options.mail, smime })
  const compose = createComposeService(accounts, mail, {
    smime,
    journal: await OutboxJournal.open(join(options.dataDir, 'outbox-journal.json')),
    crashAt: options.crashAt ?? crashHookFromEnvironment(),
  })
  const davClientOptions = {
    tls: (host: string, port: number) => accounts.tlsOptions(host, port),
    ...(options.netOptions?.lookup ? { lookup: options.netOptions.lookup } : {}),
  }
  const sharedCalendars = await SharedCalendarSources.open(join(options.dataDir, 'shared-calendars.json'))
  const caldav = new CalDavService(davAccounts, { ...davClientOptions, shared: sharedCalendars })
  const calendarWatch = new CalendarWatch(davAccounts)
  const carddav = new CardDavService(davAccounts, davClientOptions)
  const handlers: Handlers = {
    ...appHandlers(options.mode),
    ...accountsHandlers(accounts, trust),
    ...davAccountsHandlers(davAccounts),
    ...mail.handlers,
    ...compose.handlers,
    ...calendarHandlers({
      caldav,
      watch: calendarWatch,
      passwords: { davPassword: (id) => davAccounts.password(id), mailPassword: (id) => accounts.password(id) },
      clientOptions: davClientOptions,
    }),
    ...contactsHandlers(carddav),
    ...directoryHandlers(directories, directory, directoryTls),
    ...smimeHandlers(certificates, smime),
  }
  const router = createRouter(handlers, {
    onInternalError: (error, name) => console.error(`[quire] ${name} failed:`, error instanceof Error ? error.stack : error),
    ...options.router,
  })
  return {
    router,
    accounts,
    davAccounts,
    smime,
    async close() {
      calendarWatch.close()
      caldav.close()
      carddav.close()
      directory.close()
      compose.close()
      await mail.close()
    },
  }
}
