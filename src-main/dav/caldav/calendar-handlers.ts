import type { AccountId } from '../../common/domain/account'
import type { DavAccountSettings } from '../../common/domain/dav-account'
import type { Handlers } from '../../rpc/router'
import type { DavClientOptions } from '../dav-client'
import { checkDav } from '../dav-connection-test'
import type { CalDavService } from './caldav-service'
import type { CalendarWatch } from './calendar-watch'

type CalendarHandlers = Pick<
  Handlers,
  | 'calendar.list'
  | 'calendar.addShared'
  | 'calendar.removeShared'
  | 'calendar.scheduling'
  | 'calendar.inbox'
  | 'calendar.inboxDelete'
  | 'calendar.changes'
  | 'calendar.fetch'
  | 'calendar.put'
  | 'calendar.delete'
  | 'calendar.watch'
  | 'calendar.freeBusy'
  | 'dav.accounts.test'
>

export interface CalendarHandlerDeps {
  caldav: CalDavService
  watch: CalendarWatch
  /** passwords for the connection test: the DAV account's own, else the mail account's it borrows */
  passwords: {
    davPassword(id: AccountId): Promise<string>
    mailPassword(id: AccountId): Promise<string>
  }
  clientOptions: DavClientOptions
}

export function calendarHandlers({ caldav, watch, passwords, clientOptions }: CalendarHandlerDeps): CalendarHandlers {
  return {
    'calendar.list': ({ accountId }, { signal }) => caldav.list(accountId, signal),
    'calendar.addShared': ({ accountId, who }, { signal }) => caldav.addShared(accountId, who, signal),
    'calendar.removeShared': async ({ accountId, principalUrl, calendarUrl }) => {
      await caldav.removeShared(accountId, { principalUrl, calendarUrl })
      return {}
    },
    'calendar.scheduling': ({ accountId }, { signal }) => caldav.scheduling(accountId, signal),
    'calendar.inbox': ({ accountId }, { signal }) => caldav.inbox(accountId, signal),
    'calendar.inboxDelete': async ({ accountId, href, etag }, { signal }) => {
      await caldav.deleteFromInbox(accountId, href, etag, signal)
      return {}
    },
    'calendar.changes': ({ accountId, calendarUrl, cursor }, { signal }) => caldav.changes(accountId, calendarUrl, cursor, signal),
    'calendar.fetch': ({ accountId, calendarUrl, hrefs }, { signal }) => caldav.fetch(accountId, calendarUrl, hrefs, signal),
    'calendar.put': ({ accountId, calendarUrl, href, etag, data }, { signal }) => caldav.put(accountId, calendarUrl, href, etag, data, signal),
    'calendar.delete': async ({ accountId, calendarUrl, href, etag }, { signal }) => {
      await caldav.delete(accountId, calendarUrl, href, etag, signal)
      return {}
    },
    'calendar.watch': (_input, emit) => watch.subscribe(emit),
    'calendar.freeBusy': ({ accountId, ...request }, { signal }) => caldav.freeBusy(accountId, request, signal),
    'dav.accounts.test': async ({ settings, password, id }) => {
      const secret = password ?? (await storedPassword(settings, id, passwords))
      if (secret === undefined) {
        const missing = { ok: false, error: { code: 'AUTH_FAILED', message: 'Enter the password to test the connection.', retryable: false } }
        return { ...(settings.calendars ? { caldav: missing } : {}), ...(settings.contacts ? { carddav: missing } : {}) }
      }
      const login = { serverUrl: settings.serverUrl, username: settings.username, password: secret }
      const [caldavCheck, carddavCheck] = await Promise.all([
        settings.calendars ? checkDav(login, 'caldav', clientOptions) : undefined,
        settings.contacts ? checkDav(login, 'carddav', clientOptions) : undefined,
      ])
      return { ...(caldavCheck ? { caldav: caldavCheck } : {}), ...(carddavCheck ? { carddav: carddavCheck } : {}) }
    },
  }
}

async function storedPassword(settings: DavAccountSettings, id: AccountId | undefined, passwords: CalendarHandlerDeps['passwords']): Promise<string | undefined> {
  try {
    if (id) return await passwords.davPassword(id)
    if (settings.mailAccountId) return await passwords.mailPassword(settings.mailAccountId)
  } catch {
    // no stored password: the test asks for one
  }
  return undefined
}
